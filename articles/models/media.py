"""Resized copies of uploaded images, made once at upload (articles.uploads writes them)."""

from django.db import models


class ImageRenditionQuerySet(models.QuerySet):
    def described(self, sources):
        """{stored original: [its renditions as {"name", "format", "width", "height"}]}."""
        found = {}
        for rendition in self.filter(source__in=sources):
            found.setdefault(rendition.source, []).append(rendition.describe())
        return found


class ImageRendition(models.Model):
    """One resized, metadata-free copy of an uploaded image."""

    source = models.CharField(max_length=255, db_index=True, help_text="The original's name.")
    file = models.FileField(max_length=255)
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    objects = ImageRenditionQuerySet.as_manager()

    class Meta:
        ordering = ["source", "format", "width"]
        constraints = [
            models.UniqueConstraint(fields=["source", "format", "width"], name="rendition_once")
        ]

    def __str__(self):
        return self.file.name

    def describe(self):
        return {
            "name": self.file.name,
            "format": self.format,
            "width": self.width,
            "height": self.height,
        }
