"""Notes on articles: the newsroom's private threads about a draft, never shown to readers."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models.content import Article

QUOTE_LENGTH = 120


def paragraphs_of(body):
    """The body's paragraphs (Markdown blocks between blank lines), as a note counts them."""
    return [p.strip() for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]


def quote_of(paragraph):
    """The start of a paragraph, on one line: what anchors a note to it through edits."""
    words = " ".join(paragraph.split())
    return words if len(words) <= QUOTE_LENGTH else words[: QUOTE_LENGTH - 1].rstrip() + "…"


class NoteQuerySet(models.QuerySet):
    def threads(self):
        return self.filter(parent=None)

    def open(self):
        """Notes in a thread not resolved: a reply is open while its thread is."""
        return self.filter(
            Q(parent=None, resolved_at=None) | Q(parent__isnull=False, parent__resolved_at=None)
        )


class Note(models.Model):
    """A staff member's note on an article, or a reply in a note's thread."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The thread this note replies to (replies are not threads of their own).",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(help_text="Plain text; @username mentions a staff member.")
    paragraph = models.PositiveIntegerField(
        null=True, blank=True, help_text="The paragraph it was written on (1 is the first)."
    )
    quote = models.CharField(
        max_length=QUOTE_LENGTH,
        blank=True,
        help_text="The start of that paragraph when the note was written, so later edits "
        "do not lose what it was about.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "parent", "created_at"], name="note_threads")]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="note_not_own_parent"),
            models.CheckConstraint(
                condition=Q(parent=None) | Q(resolved_at=None), name="note_resolved_as_thread"
            ),
        ]

    def __str__(self):
        return f"Note {self.pk} on {self.article}"

    def get_absolute_url(self):
        change = reverse("admin:articles_article_change", args=[self.article_id])
        return f"{change}#note-{self.thread_id}"

    @property
    def thread_id(self):
        return self.parent_id or self.pk

    def where_now(self, current):
        """The paragraph (1-based) of `current` that still starts with the quote, or None."""
        if not self.quote:
            return None
        start = self.quote.removesuffix("…")
        for number, paragraph in enumerate(current, 1):
            if quote_of(paragraph).removesuffix("…").startswith(start):
                return number
        return None


class NoteMention(models.Model):
    """A staff member named in a note (@username) who may see the article: emailed once."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "user"], name="note_mention_once"),
        ]

    def __str__(self):
        return f"@{self.user} in note {self.note_id}"
