"""Shareable preview links: one reviewer without an account reads one unpublished article."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def _new_token_id():
    return secrets.token_urlsafe(18)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, at=None):
        """Links that still open their draft: not revoked, not expired."""
        return self.filter(revoked=False, expires_at__gt=at or timezone.now())


class PreviewLink(models.Model):
    """A signed, revocable link (articles.previews makes and reads the token)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="preview_links"
    )
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
