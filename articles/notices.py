"""Who is told what after a change: the webhook endpoints subscribed to each event.

The newsroom actions name the events in their change event (articles.signals.Change.events);
announce() gathers those of one transaction and, once it commits, records one delivery per
subscribed endpoint and queues it for the worker (articles.deliveries). Within a transaction
an article's stronger event absorbs the weaker ones its own steps raised: a redaction saves
the article and adds a legal note, but is announced once, as a redaction. (Queued after
the commit, not inside it, so that the whole transaction's events are known first: a
process that dies between the two loses that change's notices.)

A payload says what the public could see: the event, the article's id, URL and headline,
the time, and a correction's text; never a draft's content, an email or an IP hash. It is
read from the committed rows, so a redaction's payload holds the article as redacted.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.deliveries import deliver
from articles.models import Article, Correction, Event, WebhookDelivery, WebhookEndpoint

# Within one transaction, an event for an article absorbs these events for it.
ABSORBS = {
    Event.REDACTED: {Event.UPDATED, Event.CORRECTED, Event.PUBLISHED},
    Event.UNPUBLISHED: {Event.UPDATED, Event.CORRECTED, Event.PUBLISHED, Event.COMMENTS_CLOSED},
    Event.CORRECTED: {Event.UPDATED},
    Event.PUBLISHED: {Event.UPDATED},
}
_BATCH = "standfirst_notices"


class _Batch:
    """The events of one transaction, queued when it commits (an on_commit callback)."""

    def __init__(self):
        self.events, self.done = [], False

    def __call__(self):
        self.done = True
        queue(self.events)


def announce(events):
    """Queue `events` ((event, article id, facts) triples) once the transaction commits."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        queue(events)
        return
    batch = getattr(connection, _BATCH, None)
    pending = [func for _, func, *_ in connection.run_on_commit]
    if batch is None or batch.done or not any(func is batch for func in pending):
        # The first event of this transaction (a rolled-back one took its batch along).
        batch = _Batch()
        setattr(connection, _BATCH, batch)
        transaction.on_commit(batch)
    batch.events.extend(events)


def absorbed(events):
    """The events left once each article's stronger events absorb its weaker ones."""
    kinds = {}
    for event, pk, _ in events:
        kinds.setdefault(pk, set()).add(event)
    kept, seen = [], set()
    for event, pk, facts in events:
        key = (event, pk, tuple(sorted(facts.items())))
        if key in seen or any(event in ABSORBS.get(other, ()) for other in kinds[pk]):
            continue
        seen.add(key)
        kept.append((event, pk, facts))
    return kept


def queue(events):
    """Record and queue one delivery per active endpoint subscribed to each event."""
    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    now = timezone.now()
    with transaction.atomic():
        for event, pk, facts in absorbed(events):
            subscribed = [e for e in endpoints if event in e.events]
            if not subscribed:
                continue
            article = Article.objects.filter(pk=pk).first()
            data = payload(event, pk, article, facts, now)
            if data is None:
                continue
            # A scheduled publication is sent when it goes public.
            at = max(now, _parse(data["data"].get("published_at")) or now)
            for endpoint in subscribed:
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint,
                    event=event,
                    article=article,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    payload=data,
                    next_attempt_at=at,
                )
                deliver.using(run_after=at).enqueue(delivery.pk)


def payload(event, pk, article, facts, at):
    """The body of an event (Standard Webhooks' type, timestamp, data) about article `pk`
    (`article`: its row, None once deleted), or None when nothing is left to say."""
    if article is None and not facts.get("url"):
        return None
    data = {"id": pk}
    if article is not None:
        data["url"] = settings.SITE_URL + article.get_absolute_url()
        data["headline"] = article.headline
    else:
        data["url"] = settings.SITE_URL + facts["url"]
        data["headline"] = facts.get("headline", "")
    if event == Event.PUBLISHED:
        data["published_at"] = article.published_at.isoformat()
    if event == Event.CORRECTED:
        correction = Correction.objects.filter(pk=facts.get("correction")).first()
        if correction is None:
            return None
        data["correction"] = {
            "kind": correction.kind,
            "text": correction.text,
            "published_at": correction.published_at.isoformat(),
        }
    if event == Event.COMMENTS_CLOSED:
        data["reason"] = "legal"
    return {"type": str(event), "timestamp": at.isoformat(), "data": data}


def _parse(value):
    return timezone.datetime.fromisoformat(value) if value else None
