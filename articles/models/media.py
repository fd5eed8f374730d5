"""Resized copies of uploaded images, made once at upload (articles.uploads writes them)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


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


class ImageRightsQuerySet(models.QuerySet):
    def ending_soon(self, at=None):
        """Licences that end within settings.STANDFIRST_IMAGE_LICENCE_WARNING_DAYS (the desk
        warns of these before the image leaves the public pages)."""
        at = at or timezone.now()
        days = timedelta(days=settings.STANDFIRST_IMAGE_LICENCE_WARNING_DAYS)
        return self.filter(license_ends_at__gt=at, license_ends_at__lte=at + days)


class ImageRights(models.Model):
    """The rights an uploaded original states (read before its metadata is stripped), as
    editors have corrected them: the one record the hero's credit, the JSON-LD and the
    licence end read. Empty means "not stated"."""

    class Provenance(models.TextChoices):
        VERIFIED = "verified", "Verified"
        ABSENT = "absent", "No Content Credentials"
        INVALID = "invalid", "Invalid"

    source = models.CharField(max_length=255, unique=True, help_text="The original's name.")
    creator = models.CharField(max_length=200, blank=True, help_text="Photographer or maker.")
    credit_line = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown under the image when the article has no credit of its own.",
    )
    copyright_notice = models.CharField(max_length=500, blank=True)
    web_statement = models.URLField(
        max_length=500, blank=True, help_text="The page stating the licence (schema.org license)."
    )
    licensor_url = models.URLField(
        max_length=500, blank=True, help_text="Where a licence can be bought (acquireLicensePage)."
    )
    digital_source_type = models.URLField(
        max_length=200,
        blank=True,
        help_text="IPTC digital source type, e.g. …/trainedAlgorithmicMedia for AI-generated.",
    )
    license_ends_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the licence ends, the image leaves every public page; the desk is "
        "warned before.",
    )
    provenance = models.CharField(
        max_length=10,
        choices=Provenance,
        default=Provenance.ABSENT,
        editable=False,
        help_text="The C2PA manifest checked at upload (shown to editors only).",
    )

    withdrawal_sent_for = models.DateTimeField(
        null=True,
        editable=False,
        help_text="The licence end whose withdrawal was announced (articles.actions.image_rights).",
    )

    objects = ImageRightsQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "image rights"
        indexes = [models.Index(fields=["license_ends_at"], name="rights_license_end")]

    def __str__(self):
        return self.source

    def has_ended(self, at=None):
        return self.license_ends_at is not None and self.license_ends_at <= (at or timezone.now())

    def is_synthetic(self):
        """AI-generated or composited with AI (IPTC trainedAlgorithmicMedia,
        compositeSynthetic, algorithmicMedia, compositeWithTrainedAlgorithmicMedia)."""
        kind = self.digital_source_type.rsplit("/", 1)[-1]
        return kind in SYNTHETIC_SOURCE_TYPES


SYNTHETIC_SOURCE_TYPES = {
    "trainedAlgorithmicMedia",
    "compositeSynthetic",
    "algorithmicMedia",
    "compositeWithTrainedAlgorithmicMedia",
}
