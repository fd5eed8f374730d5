"""Legal holds: close (optionally hide) comments on every article with a tag, then lift.

Applying a hold writes no article: the hold itself is the rule (Article.legal_hold()), so
it also holds an article tagged later, and no form, restore or list action can reopen
comments under it. Lifting it gives each article back exactly the comment state it has of
its own.
"""

from django.db import transaction
from django.utils import timezone

from articles import audit
from articles.actions.base import Refused, changed, require
from articles.actors import user_of
from articles.models import Article, Event, LegalHold


def _tagged(tag):
    return list(Article.objects.filter(tags=tag).values_list("pk", flat=True))


def apply_hold(actor, hold):
    """Apply a new (unsaved) hold on its tag; returns it."""
    require(actor, "articles.add_legalhold", message="Only editors may apply a legal hold.")
    hold.reason = hold.reason.strip()
    if not hold.reason:
        raise Refused("Give the reason readers will see beside 'Comments are closed.'")
    tag = hold.tag
    with transaction.atomic():
        if LegalHold.objects.active().filter(tag=tag).exists():
            raise Refused("This tag already has an active legal hold.")
        hold.created_by = user_of(actor)
        hold.save()
        held = _tagged(tag)
        for pk in held:
            audit.record(audit.Action.LEGAL_HOLD_APPLIED, Article(pk=pk), actor, tag=tag.slug)
        audit.record(audit.Action.LEGAL_HOLD_APPLIED, actor=actor, tag=tag.slug, articles=len(held))
        # Integrators hear of the public stories whose comments this closes.
        public = Article.objects.published().filter(pk__in=held, comments_closed=False)
        events = [(Event.COMMENTS_CLOSED, pk, {}) for pk in public.values_list("pk", flat=True)]
        changed(
            "legal_hold_applied",
            actor,
            articles=held,
            models={"legalhold"},
            legal=True,
            events=events,
        )
    return hold


def lift_hold(actor, hold):
    """Lift an active hold; returns how many articles it held."""
    require(actor, "articles.change_legalhold", message="Only editors may lift a legal hold.")
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if not hold.active:
            return 0
        hold.lifted_at, hold.lifted_by = timezone.now(), user_of(actor)
        hold.save(update_fields=["lifted_at", "lifted_by"])
        held = _tagged(hold.tag)
        for pk in held:
            audit.record(audit.Action.LEGAL_HOLD_LIFTED, Article(pk=pk), actor, tag=hold.tag.slug)
        audit.record(
            audit.Action.LEGAL_HOLD_LIFTED, actor=actor, tag=hold.tag.slug, articles=len(held)
        )
        changed("legal_hold_lifted", actor, articles=held, models={"legalhold"})
    return len(held)
