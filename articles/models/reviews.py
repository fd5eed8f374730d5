"""Review before publishing: each section's steps, the decisions taken, and sign-off links.

A workflow is data, not code: a newsroom names its steps per section (writer, then
editor, then legal, say). What an article still needs is worked out from these rows
and the article as it stands (articles.reviews), never stored as a state of its own, so
no path can leave a stale "approved" behind: an approval names the content it applied
to, and a later edit simply stops it counting.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Workflow(models.Model):
    """The review steps an article goes through before it is published."""

    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkflowStep(models.Model):
    class Kind(models.TextChoices):
        EDITOR = "editor", "Editor (anyone who may publish)"
        LEGAL = "legal", "Legal (the legal role, or a lawyer by sign-off link)"

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=60, help_text="As editors see it, e.g. “Chief sub”.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.EDITOR)

    class Meta:
        ordering = ["workflow", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "name"], name="step_name_once_per_workflow")
        ]

    def __str__(self):
        return self.name


class ReviewDecision(models.Model):
    """One step of a review: a submission, an approval or a request for changes.

    `digest` is the content the decision applied to (articles.reviews.content_digest);
    `revision` the revision number it was taken on, for the audit trail."""

    class Outcome(models.TextChoices):
        SUBMITTED = "submitted", "Sent for review"
        APPROVED = "approved", "Approved"
        CHANGES = "changes", "Changes requested"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="review_decisions"
    )
    step = models.CharField(max_length=60, blank=True, help_text="Empty for a submission.")
    kind = models.CharField(max_length=10, choices=WorkflowStep.Kind, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.ForeignKey(
        "articles.SignOffLink",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    digest = models.CharField(max_length=64)
    revision = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("approve_legal_review", "Can approve the legal review step")]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.step or 'review'}"

    @property
    def decided_by_name(self):
        if self.link_id:
            return f"{self.link.recipient_name} (by link)"
        return (
            self.decided_by.get_username() if self.decided_by else "the system or a removed account"
        )


def _new_token_id():
    return secrets.token_urlsafe(18)


class SignOffLinkQuerySet(models.QuerySet):
    def usable(self, at=None):
        return self.filter(used_at=None, revoked=False, expires_at__gt=at or timezone.now())


class SignOffLink(models.Model):
    """A signed, expiring, single-use link that lets one person without an account
    approve an article's legal step or ask for changes (articles.signoff)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="sign_off_links"
    )
    step = models.CharField(max_length=60)
    token_id = models.CharField(max_length=40, unique=True, default=_new_token_id, editable=False)
    recipient_name = models.CharField(max_length=120)
    recipient_email = models.EmailField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    objects = SignOffLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Sign-off link for {self.recipient_name}"

    def is_usable(self, at=None):
        """Mirror of SignOffLinkQuerySet.usable() for one link."""
        return not self.used_at and not self.revoked and self.expires_at > (at or timezone.now())
