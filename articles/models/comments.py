"""Reader comments and the blocklist that sends matching ones to spam."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.content import Article


class CommentQuerySet(models.QuerySet):
    def public(self):
        """What readers see: approved comments, and approved replies to approved comments.

        The only definition of a public comment; the article page and every count use it.
        """
        return self.filter(status=Comment.Status.APPROVED).filter(
            Q(parent__isnull=True) | Q(parent__status=Comment.Status.APPROVED)
        )

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The comment this one replies to (one level of replies only).",
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(help_text="Never shown publicly; used to recognise known commenters.")
    body = models.TextField(help_text="Plain text. Shown as text, never as HTML.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    ip_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A keyed hash of the sender's IP address; the address itself is never stored.",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the moderators were emailed."
    )
    proven = models.BooleanField(
        default=False,
        editable=False,
        help_text="Sent from a browser whose commenter confirmed this email by our link.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_public_order"),
            models.Index(fields=["status", "-created_at"], name="comment_moderation_queue"),
            models.Index(fields=["email", "status"], name="comment_known_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.article}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"


class BlockedTerm(models.Model):
    """A word or an address whose comments go straight to spam, without telling the sender."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase (in the name or text, whole words, any case)"
        ADDRESS = "address", "Email address or domain (the sender's email, or in links)"

    term = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.WORD)
    note = models.CharField(max_length=200, blank=True, help_text="Why it is blocked.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "term"], name="blocked_term_once"),
        ]

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.term = self.term.strip().lower()
        super().save(*args, **kwargs)
