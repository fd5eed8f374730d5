"""Legal holds: comments closed (optionally hidden) on every article with a tag, until lifted.

A live rule, not a snapshot: Article.legal_hold() asks for an active hold on any of the
article's tags whenever it is needed, so a tag added after the hold is held too, and no
form, restore or list action can reopen comments while the hold stands.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    tag = models.ForeignKey("articles.Tag", on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(
        max_length=300, help_text="Shown to readers beside 'Comments are closed.'"
    )
    hide_comments = models.BooleanField(
        default=False, help_text="Also remove the comments already shown on those articles."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True, editable=False)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tag"], condition=Q(lifted_at__isnull=True), name="one_active_hold_per_tag"
            )
        ]

    def __str__(self):
        return f"Legal hold on {self.tag}"

    @property
    def active(self):
        return self.lifted_at is None
