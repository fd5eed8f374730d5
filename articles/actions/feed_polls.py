"""Polling a partner's feed, the worker's part of the subscription actions: when a poll is
due, what each item becomes, what the desk sees.

The worker's poll_feed task claims the due poll with one conditional UPDATE (a duplicate
or late task finds it claimed, or not due, and stops), queues the next poll in the same
transaction, then fetches outside any transaction, conditionally (articles.intake.fetch):
a 304 means nothing new. Each item (articles.intake.feeds) is matched against the items
the subscription has seen by GUID, then URL, then content hash:
- unseen: a new draft through import_record, published at once only when the feed
  allows it and the item's licence is a standing one (Republication.STANDING_LICENCES),
  and never for a summary-only item (the trust gates apply as to any publication);
- seen with the same text: nothing (a new GUID or URL is noted against the same article);
- seen with changed text: its draft is updated; a published article is left alone;
- seen, its article deleted by an editor: not taken in again.
A feed that cannot be fetched or read stores its error on the subscription and nothing
else; an item that cannot be read or stored is named in the error and the others go in.
The validators (ETag, Last-Modified) are kept only when every item went in, so a feed
answering 304 never hides an item that failed.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from articles.actions.base import Refused
from articles.actions.intake import import_record, licence_choice, same_story
from articles.actors import SystemActor
from articles.intake import FetchRefused, ImportRefused, feeds
from articles.intake.fetch import fetch
from articles.models import Article, FeedItem, FeedSubscription, Republication


@task()
def poll_feed(subscription_id):
    """Poll one subscription if it is due, and queue its next poll. Not @retried: the next
    poll is queued before the fetch, and a feed's failures are stored, not raised."""
    now = timezone.now()
    subscription = FeedSubscription.objects.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        return "inactive"
    if subscription.next_poll_at and subscription.next_poll_at > now:
        return "not due"
    next_at = now + timedelta(minutes=subscription.poll_minutes)
    with transaction.atomic():
        claimed = FeedSubscription.objects.filter(
            pk=subscription_id, next_poll_at=subscription.next_poll_at
        ).update(next_poll_at=next_at)
        if not claimed:
            return "polled by another run"
        poll_feed.using(run_after=next_at).enqueue(subscription_id)
    return poll(subscription)


def poll(subscription):
    """Fetch the feed, take in its items, store the outcome on the subscription."""
    try:
        fetched = fetch(
            subscription.url,
            accept=feeds.FEED_TYPES[subscription.format],
            what="a feed (RSS, Atom or ninjs JSON)",
            etag=subscription.etag,
            last_modified=subscription.last_modified,
        )
        if fetched.status == 304:
            return _store(subscription, "Not modified since the last poll.")
        feed = feeds.read(fetched.data, subscription.format, fetched.charset)
    except (FetchRefused, ImportRefused) as refused:
        return _store(subscription, "Nothing taken in.", errors=[str(refused)])
    actor = SystemActor(f"feed: {subscription.name}"[:60])
    counts = dict.fromkeys(("new", "updated", "unchanged", "left alone"), 0)
    errors = list(feed.refused)
    for entry in feed.entries:
        try:
            counts[take_in(actor, subscription, entry)] += 1
        except (Refused, ValidationError) as refused:
            messages = getattr(refused, "messages", [str(refused)])
            errors.append(f"“{entry.record.headline}”: {' '.join(messages)}")
    summary = ", ".join(f"{n} {what}" for what, n in counts.items()) + "."
    return _store(subscription, summary, errors=errors, validators=fetched)


def take_in(actor, subscription, entry):
    """One item into the newsroom; returns what became of it (a key of poll's counts)."""
    record = entry.record
    record.publisher = record.publisher or subscription.publisher
    seen = _seen(subscription, entry)
    if seen is not None and seen.article_id is None:
        return "left alone"  # an editor deleted what it became
    if seen is not None and seen.content_hash == entry.content_hash:
        _note(subscription, entry, seen, seen.article)
        return "unchanged"
    article = seen.article if seen is not None else same_story(record)
    if article is not None and article.status == Article.Status.PUBLISHED:
        return "left alone"  # a published story changes only by an editor's hand
    terms = (subscription.licence, subscription.permission_reference)
    licence = licence_choice(record.licence)[0] if record.licence else subscription.licence
    publish = (
        article is None
        and subscription.auto_publish
        and not entry.summary_only
        and licence in Republication.STANDING_LICENCES
    )
    with transaction.atomic():
        article, created = import_record(
            actor, record, publish=publish, article=article, terms=terms
        )
        _note(subscription, entry, seen, article)
    return "new" if created else "updated"


def _seen(subscription, entry):
    """The item seen before under the same GUID, else URL, else content hash."""
    record = entry.record
    keys = [
        (name, value)
        for name, value in (
            ("guid", record.guid),
            ("url", record.original_url),
            ("content_hash", entry.content_hash),
        )
        if value
    ]
    wanted = Q()
    for name, value in keys:
        wanted |= Q(**{name: value})
    items = list(subscription.items.filter(wanted).select_related("article"))
    for name, value in keys:
        for item in items:
            if getattr(item, name) == value:
                return item
    return None


def _note(subscription, entry, seen, article):
    """Record the item as seen: the same row for the same GUID, a second row (to the same
    article) for a new one."""
    record = entry.record
    fields = {
        "url": record.original_url,
        "content_hash": entry.content_hash,
        "summary_only": entry.summary_only,
        "article": article,
    }
    if seen is not None and seen.guid == record.guid:
        for name, value in fields.items():
            setattr(seen, name, value)
        seen.save()
    else:
        FeedItem.objects.create(subscription=subscription, guid=record.guid, **fields)


def _store(subscription, result, *, errors=(), validators=None):
    """The poll's outcome on the subscription: its result, its errors, and the validators
    for the next conditional request when nothing failed."""
    now = timezone.now()
    fields = {"last_polled_at": now, "last_result": result[:300]}
    if errors:
        fields.update(last_error="\n".join(errors), last_error_at=now)
    else:
        fields.update(last_error="")
    if validators is not None:
        fields.update(
            etag="" if errors else validators.etag,
            last_modified="" if errors else validators.last_modified,
        )
    FeedSubscription.objects.filter(pk=subscription.pk).update(**fields)
    return "; ".join([result, *errors])
