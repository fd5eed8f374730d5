"""Notes on articles: add one (on the article or a paragraph), reply, resolve or reopen a
thread, delete a note.

Private to the newsroom: no change event, nothing public shows them. Whoever may open the
article in the admin may read, write, resolve and reopen its notes (articles.roles); a note
is deleted by its author or by whoever may delete any note (editors), and a thread only
with its replies. Every change is audited; the note's text goes into the audit detail only
while the article has no do-not-identify register (the audit log never holds a term).
"""

from django.db import transaction
from django.utils import timezone

from articles import audit, mentions, roles
from articles.actions.base import NotAllowed, Refused
from articles.actors import user_of
from articles.models import Note, NoteMention
from articles.models.notes import paragraphs_of, quote_of

MAX_LENGTH = 4000


def _check_view(actor, article):
    if not roles.may_view(actor, article):
        raise NotAllowed("Only staff who may open this article may read or write its notes.")


def _clean(body):
    body = body.strip()
    if not body:
        raise Refused("Write the note first.")
    if len(body) > MAX_LENGTH:
        raise Refused(f"A note holds up to {MAX_LENGTH} characters; this one has {len(body)}.")
    return body


def _record(action, note, actor, **detail):
    if not note.article.do_not_identify.exists():
        detail["text"] = note.body
    audit.record(action, note.article, actor, note=note.pk, thread=note.thread_id, **detail)


def _write(actor, note):
    """Store a new note, its mentions and their email (sent once it commits)."""
    note.body = _clean(note.body)
    note.author = user_of(actor)
    reached = mentions.reached(note.article, note.body, note.author)
    with transaction.atomic():
        note.save()
        NoteMention.objects.bulk_create([NoteMention(note=note, user=u) for u in reached])
        _record(
            audit.Action.NOTE_ADDED,
            note,
            actor,
            paragraph=note.paragraph,
            mentioned=[u.pk for u in reached],
        )
        if reached:
            # Queued in this transaction: the worker mails only if the note is stored.
            mentions.email_mentions.enqueue(note.pk)
    return note


def add(actor, article, body, paragraph=None):
    """A new thread on the article, or on its paragraph number `paragraph` (1 is the first)."""
    _check_view(actor, article)
    note = Note(article=article, body=body)
    if paragraph is not None:
        current = paragraphs_of(article.body)
        if not 1 <= paragraph <= len(current):
            raise Refused(
                f"The article has {len(current)} paragraph(s): there is no paragraph {paragraph}."
            )
        note.paragraph, note.quote = paragraph, quote_of(current[paragraph - 1])
    return _write(actor, note)


def reply(actor, note, body):
    """A reply in the note's thread (a reply to a reply joins the same thread)."""
    _check_view(actor, note.article)
    thread = note.parent or note
    return _write(actor, Note(article=thread.article, parent=thread, body=body))


def resolve(actor, note):
    thread = note.parent or note
    _check_view(actor, thread.article)
    if thread.resolved_at:
        raise Refused("This thread is already resolved.")
    with transaction.atomic():
        thread.resolved_at, thread.resolved_by = timezone.now(), user_of(actor)
        thread.save(update_fields=["resolved_at", "resolved_by"])
        _record(audit.Action.NOTE_RESOLVED, thread, actor)
    return thread


def reopen(actor, note):
    thread = note.parent or note
    _check_view(actor, thread.article)
    if not thread.resolved_at:
        raise Refused("This thread is already open.")
    with transaction.atomic():
        thread.resolved_at, thread.resolved_by = None, None
        thread.save(update_fields=["resolved_at", "resolved_by"])
        _record(audit.Action.NOTE_REOPENED, thread, actor)
    return thread


def may_delete(actor, note):
    """Its author may delete a note, and a thread only if every reply is theirs too;
    whoever may delete any note (editors) may delete it all."""
    if actor.has_perm("articles.delete_note"):
        return True
    own = {note.author_id}
    if note.parent_id is None:  # a thread goes with its replies
        own |= {reply.author_id for reply in note.replies.all()}
    return actor.pk is not None and own == {actor.pk}


def delete(actor, note):
    """Delete a note, with its replies when it is a thread."""
    _check_view(actor, note.article)
    if not may_delete(actor, note):
        raise NotAllowed("Only its author or an editor may delete a note (and its replies).")
    with transaction.atomic():
        replies = note.replies.count()
        audit.record(
            audit.Action.NOTE_DELETED,
            note.article,
            actor,
            note=note.pk,
            thread=note.thread_id,
            replies=replies,
        )
        note.delete()
