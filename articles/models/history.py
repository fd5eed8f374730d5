"""What happened to articles: revisions, the audit log, and the URLs they used to have."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Revision(models.Model):
    """One saved state of an article, all fields and relations as JSON (our own rows, so a
    name can later be redacted from every stored revision)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(help_text="1 for the first save, then counting up.")
    version = models.PositiveIntegerField(help_text="The article's version after this save.")
    created_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    system_actor = models.CharField(
        max_length=60, blank=True, help_text="The part of Standfirst that saved it, if no person."
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

    @property
    def saved_by(self):
        return str(self.author or self.system_actor or "(unknown)")


class AuditEntry(models.Model):
    """Who did what to which article, and when. Rows are only ever added."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        IMPORTED = "imported", "Imported"
        EDITED = "edited", "Edited while public"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        SCHEDULED = "scheduled", "Scheduled"
        DELETED = "deleted", "Deleted"
        CORRECTED = "corrected", "Corrected"
        CORRECTION_CHANGED = "correction_changed", "Correction changed"
        CORRECTION_REMOVED = "correction_removed", "Correction removed"
        COMMENTS_CLOSED = "comments_closed", "Comments closed"
        COMMENTS_OPENED = "comments_opened", "Comments opened"
        COMMENTS_MODERATED = "comments_moderated", "Comments moderated"
        SAFEGUARDING_CHANGED = "safeguarding_changed", "Safeguarding setting changed"
        GATE_OVERRIDDEN = "gate_overridden", "Trust gate overridden"
        REVISION_RESTORED = "revision_restored", "Revision restored"
        PREVIEW_LINK_CREATED = "preview_link_created", "Preview link created"
        PREVIEW_LINK_REVOKED = "preview_link_revoked", "Preview link revoked"
        PREVIEW_LINK_RESTORED = "preview_link_restored", "Preview link restored"
        LEGAL_HOLD_APPLIED = "legal_hold_applied", "Legal hold applied"
        LEGAL_HOLD_LIFTED = "legal_hold_lifted", "Legal hold lifted"
        REGISTER_CHANGED = "register_changed", "Do-not-identify register changed"
        IDENTIFICATION_SIGNED_OFF = "identification_signed_off", "Identification sign-off"
        REPUBLICATION_RECORDED = "republication_recorded", "Republication record saved"
        REDACTED = "redacted", "Redacted"
        EDGE_PURGED = "edge_purged", "Purged at the edge"
        LOGIN_LOCKED_OUT = "login_locked_out", "Login locked out"
        SOURCE_ALERT = "source_alert", "Source watch alert"
        SOURCE_ALERT_RESOLVED = "source_alert_resolved", "Source watch alert resolved"
        NOTE_ADDED = "note_added", "Note added"
        NOTE_RESOLVED = "note_resolved", "Note resolved"
        NOTE_REOPENED = "note_reopened", "Note reopened"
        NOTE_DELETED = "note_deleted", "Note deleted"
        IMAGE_RIGHTS_CHANGED = "image_rights_changed", "Image rights changed"
        IMAGE_LICENCE_ENDED = "image_licence_ended", "Image licence ended: image withdrawn"
        REVIEW_SUBMITTED = "review_submitted", "Sent for review"
        REVIEW_APPROVED = "review_approved", "Review step approved"
        REVIEW_CHANGES_REQUESTED = "review_changes", "Review: changes requested"
        SIGN_OFF_LINK_SENT = "sign_off_link_sent", "Sign-off link sent"
        SIGN_OFF_LINK_REVOKED = "sign_off_link_revoked", "Sign-off link revoked"

    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    system_actor = models.CharField(
        max_length=60, blank=True, help_text="The part of Standfirst that acted, if no person."
    )
    action = models.CharField(max_length=40, choices=Action)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def acted_by(self):
        return str(self.actor or self.system_actor or "(unknown)")


class ArticlePath(models.Model):
    """A URL an article used to have; requests for it are redirected (301) to the current one."""

    path = models.CharField(max_length=300, unique=True)
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.path} → {self.article}"
