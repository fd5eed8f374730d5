"""The newsroom's background work, run by a worker process (`manage.py db_worker`).

Django's tasks framework (the django-tasks backport until Django 6) with its database
backend: the queue is a table in our own database, so a task enqueued inside an action's
transaction exists only if the change commits, and the worker needs no service of its own.
Nothing here runs inside a reader's request.

Every task takes ids, never objects, and is idempotent: it reads the current state and
does only what is still to do, so running it twice (a retry, a second worker) is harmless.
A run that fails is kept with its error and traceback (Admin → Task results) and, through
@retried, enqueued again with an exponential backoff, up to STANDFIRST_TASK_ATTEMPTS runs.
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from articles import audit, commenters, comments, edge
from articles.actors import SystemActor
from articles.models import Article, Comment

logger = logging.getLogger(__name__)
WORKER = SystemActor("worker")


def retried(func):
    """A task that, when a run fails, queues its next attempt (30 s, 60 s, 120 s, ...
    with the default backoff) and then fails visibly itself."""

    @functools.wraps(func)
    def run(*args, attempt=1, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception:
            if attempt < settings.STANDFIRST_TASK_ATTEMPTS:
                delay = settings.STANDFIRST_TASK_BACKOFF * 2 ** (attempt - 1)
                at = timezone.now() + timedelta(seconds=delay)
                this.using(run_after=at).enqueue(*args, attempt=attempt + 1, **kwargs)
                logger.warning("%s failed (attempt %s); retrying at %s", func.__name__, attempt, at)
            else:
                logger.error("%s failed %s times; giving up", func.__name__, attempt)
            raise

    this = task()(run)
    return this


@retried
def notify_moderators(comment_id):
    """Email the moderators about a pending comment, once: a comment moderated, deleted
    or already announced meanwhile is left alone."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING or comment.notified_at:
        return "nothing to do"
    sent = comments.notify_moderators(comment)
    Comment.objects.filter(pk=comment_id).update(notified_at=timezone.now())
    return f"sent to {sent}"


@retried
def confirm_commenter(comment_id):
    """Mail an approved comment's author the link that makes them a known commenter; a
    comment no longer approved (or deleted) meanwhile is left alone."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.APPROVED:
        return "nothing to do"
    commenters.send_confirmation(comment)
    return "sent"


EDGE = SystemActor("edge")


def purge_and_record(keys, hard, articles=(), verb="", actor=WORKER):
    """Purge the pages showing `keys` from the front cache (articles.edge), and record it
    on each article's audit log ("purged at the edge"). Purging twice is harmless."""
    edge.purge(keys, hard)
    detail = {
        "keys": list(keys),
        "hard": hard,
        "after": verb,
        "edge": settings.STANDFIRST_EDGE_PURGE,
    }
    live = Article.objects.filter(pk__in=articles).values_list("pk", flat=True)
    for pk in live or [None]:
        audit.record(
            audit.Action.EDGE_PURGED,
            article=Article(pk=pk) if pk else None,
            actor=actor,
            **detail,
        )
    return f"purged {len(keys)} key(s) {'hard' if hard else 'soft'}"


@retried
def purge_edge(keys, hard, articles=(), verb=""):
    """The worker's purge: ordinary changes, and the retries of a failed legal purge."""
    return purge_and_record(keys, hard, articles, verb)


def purge_edge_now(keys, articles=(), verb=""):
    """A legal change's hard purge, sent by the committing process itself (DESIGN: legal
    purges go out synchronously on commit), so the edge stops serving the old page
    without waiting for a worker's poll. If the edge does not confirm, the worker retries."""
    try:
        return purge_and_record(keys, True, articles, verb, actor=EDGE)
    except edge.PurgeFailed as error:
        logger.warning("legal purge failed (%s); queued for the worker", error)
        purge_edge.enqueue(keys, True, articles=articles, verb=verb)
        return None
