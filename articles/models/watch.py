"""Source watch: when each republished original is next re-read, and what it was found to
have done since we took it in (articles.actions.sourcewatch does the reading)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.content import Article
from articles.models.trust import Correction, Republication, SourceSnapshot


class SourceWatch(models.Model):
    """The watch state of one republication's original: written by the worker only."""

    republication = models.OneToOneField(
        Republication, on_delete=models.CASCADE, related_name="watch"
    )
    next_check_at = models.DateTimeField(
        default=timezone.now, db_index=True, help_text="When the worker next re-reads it."
    )
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=200, blank=True, editable=False)
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="The original's last HTTP answer."
    )
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    checks = models.PositiveIntegerField(default=0, editable=False)
    failures = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Checks failed in a row (retried sooner)."
    )

    class Meta:
        verbose_name = "source watch"
        verbose_name_plural = "source watch"

    def __str__(self):
        return f"Watch on {self.republication.original_url}"


class SourceAlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class SourceAlert(models.Model):
    """What the source watch found the original did: an editor publishes the drafted
    correction (edited as needed) or discards it, which resolves the alert."""

    class Kind(models.TextChoices):
        CHANGED = "changed", "Body changed"
        CORRECTED = "corrected", "Correction in the source"
        GONE = "gone", "Gone (404/410)"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="source_alerts")
    kind = models.CharField(max_length=10, choices=Kind)
    detail = models.TextField(help_text="What the source watch found.")
    diff = models.TextField(
        blank=True,
        help_text="The article text: the snapshot we hold, then what the original says now.",
    )
    snapshot = models.ForeignKey(
        SourceSnapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The snapshot of what the original sent this time.",
    )
    correction_text = models.TextField(
        blank=True,
        help_text="The drafted “source updated” correction: readers see it only once an "
        "editor publishes it.",
    )
    correction = models.ForeignKey(
        Correction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The correction published from this alert.",
    )
    unpublished = models.BooleanField(
        default=False,
        editable=False,
        help_text="Our copy was taken down because the original was (site settings).",
    )
    found_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = SourceAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "-found_at"], name="source_alert_queue")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"

    @property
    def resolved(self):
        return self.resolved_at is not None
