"""Shareable preview links: create one for a reviewer, revoke it, or restore it.

Private to the newsroom (no change event); every change is audited. Whoever may change an
article may share it: editors any, writers their own drafts.
"""

from django.db import transaction

from articles import audit, roles
from articles.actions.base import NotAllowed, require
from articles.actors import user_of
from articles.models import PreviewLink


def _check(actor, link, verb):
    require(actor, f"articles.{verb}_previewlink", message="You may not share preview links.")
    if not roles.may_change(actor, link.article, link.article.status):
        raise NotAllowed("Writers may share only their own drafts.")


def save(actor, link):
    """Create a link, or save a change to one (revoking, restoring, its note or expiry)."""
    creating = link.pk is None
    _check(actor, link, "add" if creating else "change")
    with transaction.atomic():
        was_revoked = not creating and PreviewLink.objects.get(pk=link.pk).revoked
        if creating:
            link.created_by = user_of(actor)
        link.save()
        if creating:
            action = audit.Action.PREVIEW_LINK_CREATED
        elif link.revoked and not was_revoked:
            action = audit.Action.PREVIEW_LINK_REVOKED
        elif was_revoked and not link.revoked:
            action = audit.Action.PREVIEW_LINK_RESTORED
        else:
            return link
        audit.record(action, article=link.article, actor=actor, note=link.note, link=link.pk)
    return link
