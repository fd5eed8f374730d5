"""The republication record: whose work an article is, and what we may do with it.

The one attribution record: the attribution line, the republish snippet, the print view,
feeds and JSON-LD all read it. A person who saves it approves the republication. A record
with an original URL puts the original under the source watch (articles.actions.sourcewatch).
"""

from django.db import transaction
from django.utils import timezone

from articles import audit
from articles.actions import sourcewatch
from articles.actions.base import changed, require
from articles.actors import user_of


def record(actor, republication):
    verb = "change" if republication.pk else "add"
    require(
        actor,
        f"articles.{verb}_republication",
        message="Only editors may record what we may republish.",
    )
    with transaction.atomic():
        if not republication.approved_by_id and user_of(actor):
            republication.approved_by, republication.approved_at = actor, timezone.now()
        republication.full_clean()
        republication.save()
        audit.record(
            audit.Action.REPUBLICATION_RECORDED,
            republication.article,
            actor,
            publisher=republication.publisher,
            licence=republication.licence,
            allowed_edits=republication.allowed_edits,
        )
        sourcewatch.watch(republication)
        changed("republication_recorded", actor, articles=[republication.article_id])
    return republication
