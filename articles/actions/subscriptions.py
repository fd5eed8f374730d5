"""Feed subscriptions: saving one (an active one gets its first poll), polling now,
deleting. The polls themselves are the worker's (articles.actions.feed_polls)."""

from django.db import transaction
from django.utils import timezone

from articles.actions.base import require
from articles.actions.feed_polls import poll_feed
from articles.models import FeedSubscription


def save(actor, subscription):
    """Create or change a subscription. A new or re-activated one is due at once and its
    first poll is queued with it (committed with the save); a new URL or format forgets
    the old validators."""
    verb = "change" if subscription.pk else "add"
    require(
        actor,
        f"articles.{verb}_feedsubscription",
        message="Only editors may manage feed subscriptions.",
    )
    stored = FeedSubscription.objects.filter(pk=subscription.pk).first()
    if stored is None or (stored.url, stored.format) != (subscription.url, subscription.format):
        subscription.etag = subscription.last_modified = ""
    if not subscription.active:
        subscription.next_poll_at = None
    starting = subscription.active and subscription.next_poll_at is None
    if starting:
        subscription.next_poll_at = timezone.now()
    with transaction.atomic():
        subscription.full_clean()
        subscription.save()
        if starting:
            _queue(subscription)
    return subscription


def poll_now(actor, subscription):
    """Make an active subscription due now and queue its poll (the worker runs it)."""
    require(actor, "articles.change_feedsubscription", message="Only editors may poll a feed.")
    with transaction.atomic():
        FeedSubscription.objects.filter(pk=subscription.pk, active=True).update(
            next_poll_at=timezone.now()
        )
        _queue(subscription)


def delete(actor, subscription):
    """Stop the subscription; the articles its items became stay."""
    require(
        actor,
        "articles.delete_feedsubscription",
        message="Only editors may delete feed subscriptions.",
    )
    subscription.delete()


def _queue(subscription):
    """Queued in the saving transaction: the database queue holds it only if the save
    commits (articles.tasks)."""
    poll_feed.enqueue(subscription.pk)
