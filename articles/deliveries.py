"""Sending one webhook delivery, by the worker: signed, logged, retried, finally failed.

A delivery is POSTed as JSON, signed with the endpoint's secret under the Standard Webhooks
scheme (webhook-id, webhook-timestamp, webhook-signature headers; the id is the same on
every retry, so a receiver can drop a repeat). Only to a public address, through the
intake's guard (articles.intake.fetch; STANDFIRST_WEBHOOK_ALLOWED_HOSTS exempts a host),
with its timeouts, and no redirect is followed. Any 2xx answer delivers it; anything else is
logged (time, status, the start of the answer, the error) and tried again after 30 s, 60 s,
120 s, ... (STANDFIRST_TASK_BACKOFF), until STANDFIRST_TASK_ATTEMPTS tries have failed: the
delivery is then marked failed, and the desk counts it. An endpoint without a URL gets the
same notice by email.

The task is idempotent: a run claims the attempt that is due with one conditional UPDATE,
so a duplicate task, or a second worker, finds nothing to do.
"""

import json
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task
from standardwebhooks import Webhook

from articles.intake.fetch import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    FetchRefused,
    check_address,
    check_url,
    post,
)
from articles.models import Article, DeliveryAttempt, Event, SiteSettings, WebhookDelivery

SNIPPET = 500
# Long enough for one try to time out: a claimed attempt is not claimed again before.
LEASE = timedelta(seconds=CONNECT_TIMEOUT + READ_TIMEOUT + 30)
PURPOSE = "webhooks are sent only to public addresses"


class Failed(Exception):
    """One try did not deliver; the message is logged."""


def check_endpoint(url):
    """Raise FetchRefused unless webhooks may go to `url` (a public http(s) host)."""
    parts = check_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    check_address(
        parts.hostname, port, allowed=settings.STANDFIRST_WEBHOOK_ALLOWED_HOSTS, purpose=PURPOSE
    )


@task()
def deliver(delivery_id):
    """Try the delivery if a try is due; schedule the next one, or mark it failed."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "nothing to do"
    due = delivery.next_attempt_at
    if due is None or due > now:
        return "not due"
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, next_attempt_at=due
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        return "nothing to do"
    if reason := _cancelled(delivery):
        _finish(delivery, WebhookDelivery.Status.CANCELLED, reason)
        return "cancelled"
    started = time.monotonic()
    attempt = DeliveryAttempt(delivery=delivery)
    try:
        _send(delivery, attempt)
    except (Failed, FetchRefused, OSError) as error:
        attempt.error = str(error)[:300]
    attempt.milliseconds = round((time.monotonic() - started) * 1000)
    attempt.save()
    delivery.attempts += 1
    if not attempt.error:
        _finish(delivery, WebhookDelivery.Status.DELIVERED, _said(attempt))
        return "delivered"
    if delivery.attempts >= settings.STANDFIRST_TASK_ATTEMPTS:
        _finish(delivery, WebhookDelivery.Status.FAILED, attempt.error)
        return "failed"
    delay = settings.STANDFIRST_TASK_BACKOFF * 2 ** (delivery.attempts - 1)
    at = timezone.now() + timedelta(seconds=delay)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=at, attempts=delivery.attempts, outcome=attempt.error
    )
    deliver.using(run_after=at).enqueue(delivery.pk)
    return f"retrying at {at:%H:%M:%S}"


def _cancelled(delivery):
    """Why the delivery is no longer to be sent ("" when it is). A publication is sent
    only if the article is public when it is due, and no later publication replaces it."""
    if not delivery.endpoint.active:
        return "The endpoint was deactivated."
    if delivery.event != Event.PUBLISHED:
        return ""
    article = Article.objects.filter(pk=delivery.article_id).first()
    if article is None or not article.is_published():
        return "The article was unpublished or deleted before it went public."
    later = WebhookDelivery.objects.filter(
        endpoint=delivery.endpoint_id, article=article, event=Event.PUBLISHED, pk__gt=delivery.pk
    )
    if later.exists():
        return "The article was published again or rescheduled: a later delivery replaces this."
    return ""


def _send(delivery, attempt):
    endpoint = delivery.endpoint
    if endpoint.by_email:
        _mail(delivery)
        attempt.response = "Sent by email."
        return
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    sent_at = timezone.now()
    headers = {
        "Content-Type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(delivery.message_id, sent_at, body),
    }
    attempt.status_code, reason, attempt.response = post(
        endpoint.url,
        body.encode(),
        headers,
        keep=SNIPPET,
        allowed=settings.STANDFIRST_WEBHOOK_ALLOWED_HOSTS,
        purpose=PURPOSE,
    )
    if 300 <= attempt.status_code < 400:
        raise Failed(f"{attempt.status_code} {reason}: redirects are not followed.")
    if not 200 <= attempt.status_code < 300:
        raise Failed(f"{attempt.status_code} {reason}")


def _mail(delivery):
    data = delivery.payload["data"]
    name = SiteSettings.load().publication_name
    lines = [
        f"{name}: {delivery.get_event_display().lower()}.",
        "",
        f"“{data['headline']}”" if data.get("headline") else "",
        data["url"],
    ]
    if correction := data.get("correction"):
        lines += ["", f"{correction['kind'].capitalize()}: {correction['text']}"]
    lines += ["", f"Event {delivery.payload['type']} at {delivery.payload['timestamp']}."]
    send_mail(
        f"[{name}] {delivery.get_event_display()}: {data.get('headline') or data['url']}",
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [delivery.endpoint.email],
    )


def _said(attempt):
    return f"{attempt.status_code}" if attempt.status_code else attempt.response


def _finish(delivery, status, outcome):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=delivery.attempts,
        outcome=outcome[:300],
        finished_at=timezone.now(),
        next_attempt_at=None,
    )
