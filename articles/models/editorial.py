"""The newsroom's records: revisions, preview links, the audit log and image renditions."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.content import Article


class Revision(models.Model):
    """One saved state of an article, all fields and relations as JSON (our own rows, so a
    name can later be redacted from every stored revision with a plain query)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="1 for the first save, then counting up.")
    version = models.PositiveIntegerField(help_text="The article's version after this save.")
    created_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    data = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_once")
        ]

    def __str__(self):
        return f"Revision {self.number} of {self.article_id}"


def _new_token_id():
    return secrets.token_urlsafe(18)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, at=None):
        """Links that still open their draft: not revoked, not expired."""
        return self.filter(revoked=False, expires_at__gt=at or timezone.now())


class PreviewLink(models.Model):
    """A shareable, signed, revocable link that lets one reviewer read one unpublished article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    token_id = models.CharField(max_length=40, unique=True, default=_new_token_id, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        blank=True, help_text="The link stops working at this time. Empty: the default lifetime."
    )
    note = models.CharField(
        max_length=120, blank=True, help_text="Who it is for, e.g. 'Legal review, Sam'."
    )
    revoked = models.BooleanField(default=False, help_text="Tick to stop the link working now.")

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview link for {self.article_id} ({self.note or self.token_id[:6]})"

    def save(self, *args, **kwargs):
        if not self.expires_at:
            max_age = settings.STANDFIRST_PREVIEW_MAX_AGE
            self.expires_at = self.created_at + timedelta(seconds=max_age)
        super().save(*args, **kwargs)

    def is_usable(self, at=None):
        """Mirror of PreviewLinkQuerySet.usable() for one link."""
        return not self.revoked and self.expires_at > (at or timezone.now())


class AuditEntry(models.Model):
    """Who did what to which article, and when. Rows are only ever added."""

    class Action(models.TextChoices):
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        SCHEDULED = "scheduled", "Scheduled"
        CORRECTED = "corrected", "Corrected"
        COMMENTS_CLOSED = "comments_closed", "Comments closed"
        COMMENTS_OPENED = "comments_opened", "Comments opened"
        SAFEGUARDING_CHANGED = "safeguarding_changed", "Safeguarding setting changed"
        REVISION_RESTORED = "revision_restored", "Revision restored"
        PREVIEW_LINK_CREATED = "preview_link_created", "Preview link created"
        PREVIEW_LINK_REVOKED = "preview_link_revoked", "Preview link revoked"
        LEGAL_HOLD_APPLIED = "legal_hold_applied", "Legal hold applied"
        LEGAL_HOLD_LIFTED = "legal_hold_lifted", "Legal hold lifted"
        IDENTIFICATION_SIGNED_OFF = "identification_signed_off", "Identification sign-off"
        REDACTED = "redacted", "Redacted"

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40, choices=Action)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class ImageRendition(models.Model):
    """One resized, metadata-free copy of an uploaded image, made once at upload."""

    source = models.CharField(max_length=255, db_index=True, help_text="The original's name.")
    file = models.FileField(max_length=255)
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["source", "format", "width"]
        constraints = [
            models.UniqueConstraint(fields=["source", "format", "width"], name="rendition_once")
        ]

    def __str__(self):
        return self.file.name
