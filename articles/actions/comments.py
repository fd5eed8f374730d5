"""Writing comments: a reader's post, and moderation (approve, spam, remove, edit, delete).

Every approval, by a moderator or by the policy itself (a known commenter), passes the
identification gate on the comment's own text: a comment that names someone on the
article's do-not-identify register is never made public. A moderator's approval of a
comment sent without the known-commenter proof queues the confirmation mail
(articles.commenters) that lets its author become known.
"""

from collections import Counter

from django.db import transaction
from django.utils import timezone

from articles import audit, comments, gates, tasks
from articles.actions.base import GateClosed, changed, require
from articles.actors import SystemActor, user_of
from articles.models import Article, Comment

READER = SystemActor("comment form")
MODERATE = "articles.change_comment"


def _identifies(comment, actor=None):
    texts = [("comment", f"{comment.name}: {comment.body}")]
    return gates.text_problems(comment.article, texts, actor)


def _confirm_authors(approved):
    """Queue the confirmation mail for approved comments whose author is not yet proven."""
    for comment in approved:
        if not comment.proven:
            tasks.confirm_commenter.enqueue(comment.pk)


def post(form, ip, proven=False):
    """Store a reader's valid comment with the status the policy gives it; `proven`: the
    POST carried the known-commenter cookie for this email (articles.commenters)."""
    data = form.cleaned_data
    comment = Comment(
        article=form.article,
        parent=data["parent"],
        name=data["name"],
        email=data["email"],
        body=data["body"],
        ip_hash=comments.ip_hash(ip),
        proven=proven,
    )
    if comments.is_blocked(comment.name, comment.email, comment.body):
        comment.status = Comment.Status.SPAM
    else:
        comment.status = comments.moderation_status(form.article, comment.email, proven)
        if comment.status == Comment.Status.APPROVED and _identifies(comment):
            comment.status = Comment.Status.PENDING
    with transaction.atomic():
        comment.save()
        if comment.status == Comment.Status.PENDING:
            # Queued in this transaction: the worker mails only if the comment is stored.
            tasks.notify_moderators.enqueue(comment.pk)
        elif comment.status == Comment.Status.APPROVED:
            changed("comment_published", READER, articles=[comment.article_id])
    return comment


def moderate(actor, selected, status):
    """Give the selected comments a status; returns (how many changed, refusals), where each
    refusal is (comment, problems) for an approval the identification gate held back."""
    require(actor, MODERATE, message="Only moderators may moderate comments.")
    refused, counts, public, approved = [], {}, set(), []
    now = timezone.now()
    with transaction.atomic():
        for comment in selected.select_related("article").select_for_update():
            if comment.status == status:
                continue
            if status == Comment.Status.APPROVED and (problems := _identifies(comment, actor)):
                refused.append((comment, problems))
                continue
            if Comment.Status.APPROVED in (status, comment.status):
                public.add(comment.article_id)
            if status == Comment.Status.APPROVED:
                approved.append(comment)
            Comment.objects.filter(pk=comment.pk).update(
                status=status, moderated_by=user_of(actor), moderated_at=now
            )
            counts.setdefault(comment.article_id, Counter())[status] += 1
        for article_id, by_status in counts.items():
            audit.record(
                audit.Action.COMMENTS_MODERATED,
                article=Article(pk=article_id),
                actor=actor,
                **dict(by_status),
            )
        _confirm_authors(approved)
        if public:
            changed("comments_moderated", actor, articles=public)
    return sum(sum(c.values()) for c in counts.values()), refused


def edit(actor, comment, changed_fields):
    """A moderator's change to one comment in its form (its text, or its status)."""
    require(actor, MODERATE, message="Only moderators may change comments.")
    stored = Comment.objects.get(pk=comment.pk)
    made_public = comment.status == Comment.Status.APPROVED and (
        stored.status != comment.status or {"name", "body"} & set(changed_fields)
    )
    if made_public and (problems := _identifies(comment, actor)):
        raise GateClosed(problems)
    with transaction.atomic():
        if stored.status != comment.status:
            comment.moderated_by, comment.moderated_at = user_of(actor), timezone.now()
            if comment.status == Comment.Status.APPROVED:
                _confirm_authors([comment])
            audit.record(
                audit.Action.COMMENTS_MODERATED,
                article=comment.article,
                actor=actor,
                **{comment.status: 1},
            )
        comment.save()
        if Comment.Status.APPROVED in (stored.status, comment.status):
            changed("comment_changed", actor, articles=[comment.article_id])
    return comment


def delete(actor, selected):
    """Delete comments (their replies go with them)."""
    require(actor, "articles.delete_comment", message="You may not delete comments.")
    with transaction.atomic():
        rows = list(selected.values_list("article_id", "status"))
        selected.delete()
        public = {article for article, status in rows if status == Comment.Status.APPROVED}
        if public:
            changed("comments_deleted", actor, articles=public)
    return len(rows)
