"""Legal holds: close (optionally hide) comments on every article with a tag, then lift.

Each held article's earlier comment state is kept in a LegalHoldEntry, so lifting
restores exactly what was there, even when holds overlap.
"""

from django.db import transaction
from django.utils import timezone

from articles import audit
from articles.models import Article, LegalHoldEntry

STATE_FIELDS = {
    "comments_closed": "previous_closed",
    "comments_closed_reason": "previous_reason",
    "comments_closed_note": "previous_note",
    "comments_closed_at": "previous_closed_at",
    "comments_hidden": "previous_hidden",
}


@transaction.atomic
def apply_hold(hold, actor=None):
    """Close comments for legal reasons on every article with the hold's tag."""
    now = timezone.now()
    articles = Article.objects.filter(tags=hold.tag).select_for_update()
    for article in articles:
        LegalHoldEntry.objects.create(
            hold=hold,
            article=article,
            **{previous: getattr(article, field) for field, previous in STATE_FIELDS.items()},
        )
        article.comments_closed = True
        article.comments_closed_reason = Article.CommentsClosedBy.LEGAL
        article.comments_closed_note = hold.reason
        article.comments_closed_at = now
        article.comments_hidden = article.comments_hidden or hold.hide_comments
        article.save(update_fields=[*STATE_FIELDS, "updated_at"])
    audit.record(
        audit.Action.LEGAL_HOLD_APPLIED, actor=actor, tag=hold.tag.slug, articles=len(articles)
    )
    return len(articles)


@transaction.atomic
def lift_hold(hold, actor=None):
    """Restore each held article's earlier comment state (unless another hold still holds it)."""
    if not hold.active:
        return 0
    restored = 0
    for entry in hold.entries.select_related("article").select_for_update():
        others = LegalHoldEntry.objects.filter(
            article=entry.article, hold__lifted_at__isnull=True
        ).exclude(hold=hold)
        if others.exists():
            # A hold applied after this one saw our closed state as "previous": hand it ours.
            newer = others.filter(pk__gt=entry.pk).order_by("pk").first()
            if newer:
                for previous in STATE_FIELDS.values():
                    setattr(newer, previous, getattr(entry, previous))
                newer.save()
            continue
        article = entry.article
        for field, previous in STATE_FIELDS.items():
            setattr(article, field, getattr(entry, previous))
        article.save(update_fields=[*STATE_FIELDS, "updated_at"])
        restored += 1
    hold.lifted_at, hold.lifted_by = timezone.now(), actor
    hold.save(update_fields=["lifted_at", "lifted_by"])
    audit.record(audit.Action.LEGAL_HOLD_LIFTED, actor=actor, tag=hold.tag.slug, restored=restored)
    return restored
