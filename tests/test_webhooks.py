"""Webhooks and partner notices: every event fires once per action, from the admin and from
any other caller; deliveries are signed (checked by a real Standard Webhooks receiver on
127.0.0.1), retried by the worker, then marked failed and shown in the admin; payloads never
hold a redacted name; an endpoint must be a public address.

The tests commit for real (transaction=True): notices are queued when a change commits.
"""

import base64
import json
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook, WebhookVerificationError

from articles import notices
from articles.actions import Refused
from articles.actions import articles as article_actions
from articles.actions import webhooks as webhook_actions
from articles.actions.corrections import add as add_correction
from articles.actions.holds import apply_hold
from articles.actions.redaction import redact
from articles.models import (
    Article,
    Correction,
    DeliveryAttempt,
    Event,
    LegalHold,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.admin_forms import form_data
from tests.factories import SYSTEM, edit, make_article, make_tag
from tests.webhook_receiver import Receiver
from tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

WHO = "Kerry Sandal"
CHANGELIST = "admin:articles_article_changelist"


@pytest.fixture
def receiver(settings):
    settings.STANDFIRST_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver() as receiver:
        yield receiver


def subscribe(receiver, events=tuple(Event.values), name="Partner desk"):
    endpoint = webhook_actions.save(
        SYSTEM, WebhookEndpoint(name=name, url=receiver.url, events=list(events))
    )
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def endpoint(receiver):
    """Subscribed to all but publications, so the tests' own new articles are not news."""
    return subscribe(receiver, [e for e in Event.values if e != Event.PUBLISHED])


def due_now():
    """Bring every waiting retry forward to now (instead of waiting out the backoff)."""
    now = timezone.now()
    DBTaskResult.objects.filter(status="READY").update(run_after=now)
    WebhookDelivery.objects.filter(status="pending").update(next_attempt_at=now)


# Each event, once per action, from the admin and from another caller ----------------------


def publish_in_admin(client, article):
    client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [article.pk]})


def unpublish_in_admin(client, article):
    client.post(reverse(CHANGELIST), {"action": "unpublish", "_selected_action": [article.pk]})


def edit_in_admin(client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url), headline="A sharper headline")
    assert client.post(url, data).status_code == 302


def correct_in_admin(client, article):
    url = reverse("admin:articles_correction_add")
    data = form_data(client.get(url), "correction_form", article=str(article.pk))
    data["text"] = ["The meeting was on Tuesday, not Monday."]
    assert client.post(url, data).status_code == 302


def redact_in_admin(client, article):
    done = client.post(
        reverse(CHANGELIST),
        {
            "action": "redact_name",
            "_selected_action": [article.pk],
            "apply": "1",
            "names": WHO,
            "replacement": "the child",
        },
    )
    assert done.status_code == 302


def hold_in_admin(client, article):
    url = reverse("admin:articles_legalhold_add")
    tag = article.tags.get()
    response = client.post(url, {"tag": tag.pk, "reason": "Proceedings are active."})
    assert response.status_code == 302


def correct(article):
    add_correction(SYSTEM, Correction(article=article, text="The meeting was on Tuesday."))


def redact_by_action(article):
    redact(SYSTEM, [article], [WHO], "the child")


def hold(article):
    apply_hold(SYSTEM, LegalHold(tag=article.tags.get(), reason="Proceedings are active."))


# event: (how the article starts, the admin's way, another caller's way)
WAYS = {
    Event.PUBLISHED: (
        {"status": Article.Status.DRAFT},
        publish_in_admin,
        lambda a: article_actions.publish(SYSTEM, a),
    ),
    Event.UPDATED: ({}, edit_in_admin, lambda a: edit(a, headline="A sharper headline")),
    Event.CORRECTED: ({}, correct_in_admin, correct),
    Event.REDACTED: ({}, redact_in_admin, redact_by_action),
    Event.UNPUBLISHED: ({}, unpublish_in_admin, lambda a: article_actions.unpublish(SYSTEM, a)),
    Event.COMMENTS_CLOSED: (
        {},
        hold_in_admin,
        lambda a: article_actions.close_comments(
            SYSTEM, a, reason=Article.CommentsClosedBy.LEGAL, note="Contempt risk."
        ),
    ),
}


@pytest.mark.parametrize("path", ["admin", "action"])
@pytest.mark.parametrize("event", list(WAYS), ids=[e.value for e in WAYS])
def test_each_event_is_sent_once_per_action_signed_from_the_admin_and_any_caller(
    admin_client, receiver, settings, path, event
):
    start, in_admin, by_action = WAYS[event]
    article = make_article(
        headline=f"What the school said about {WHO}",
        body=f"{WHO} was seven.",
        tags=[make_tag(name="Court case")],
        **start,
    )
    endpoint = subscribe(receiver)
    if path == "admin":
        in_admin(admin_client, article)
    else:
        by_action(article)
    run_worker()
    assert receiver.events() == [event.value]
    [received] = receiver.received
    assert received.path == "/hooks/standfirst" and received.refusal == ""
    article.refresh_from_db()
    data = received.payload["data"]
    assert data["id"] == article.pk
    assert data["url"] == settings.SITE_URL + article.get_absolute_url()
    assert data["headline"] == article.headline
    assert received.headers["webhook-id"].startswith("msg_")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event, delivery.status) == (endpoint, event, "delivered")
    assert [(a.status_code, a.error) for a in delivery.log.all()] == [(204, "")]
    run_worker()  # nothing left to send: no second delivery
    assert len(receiver.received) == 1


def test_a_publication_holds_only_what_readers_see_and_drafts_are_not_news(receiver, settings):
    subscribe(receiver)
    draft = make_article(status=Article.Status.DRAFT, headline="Quiet draft", body="Draft secret.")
    edit(draft, body="A draft's new secret.")
    correct(draft)
    article_actions.close_comments(SYSTEM, draft, reason=Article.CommentsClosedBy.LEGAL)
    run_worker()
    assert receiver.received == []  # what happens to a draft is nobody's business
    article_actions.publish(SYSTEM, draft)
    edit(draft, published_at=timezone.now() - timedelta(hours=3))  # back-dated: not news
    run_worker()
    [received] = receiver.received
    assert WebhookDelivery.objects.get().status == "delivered"
    assert set(received.payload) == {"type", "timestamp", "data"}
    assert set(received.payload["data"]) == {"id", "url", "headline", "published_at"}
    assert received.payload["data"]["url"] == settings.SITE_URL + draft.get_absolute_url()
    assert b"secret" not in received.body


def test_a_correction_carries_its_text(receiver, endpoint):
    article = make_article()
    correct(article)
    run_worker()
    [received] = receiver.received
    assert received.payload["data"]["correction"]["text"] == "The meeting was on Tuesday."
    assert received.payload["data"]["correction"]["kind"] == "correction"


def test_an_endpoint_gets_only_the_events_it_chose(receiver):
    subscribe(receiver, events=[Event.CORRECTED])
    article = make_article()
    edit(article, headline="Changed")
    correct(article)
    article_actions.unpublish(SYSTEM, article)
    run_worker()
    assert receiver.events() == [Event.CORRECTED.value]


def test_a_scheduled_publication_is_sent_when_it_goes_public_and_not_if_pulled(receiver):
    subscribe(receiver)
    soon = timezone.now() + timedelta(seconds=2)
    kept, pulled = (make_article(status=Article.Status.DRAFT) for _ in range(2))
    article_actions.schedule(SYSTEM, kept, soon)
    article_actions.schedule(SYSTEM, pulled, soon)
    run_worker()
    assert receiver.received == []  # not public yet
    article_actions.unpublish(SYSTEM, pulled)  # never public: nothing to take back
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.2)
    run_worker()
    assert [r.payload["data"]["id"] for r in receiver.received] == [kept.pk]
    assert receiver.events() == [Event.PUBLISHED.value]
    cancelled = WebhookDelivery.objects.get(article=pulled)
    assert cancelled.status == "cancelled" and cancelled.log.count() == 0


# Signatures --------------------------------------------------------------------------------


def test_the_receiver_rejects_a_tampered_body_a_wrong_secret_and_a_replayed_old_timestamp(
    receiver, endpoint
):
    correct(make_article())
    run_worker()
    [received] = receiver.received
    webhook = Webhook(endpoint.secret)
    assert webhook.verify(received.body, received.headers) == received.payload
    tampered = received.body.replace(b"Tuesday", b"Friday")
    with pytest.raises(WebhookVerificationError):
        webhook.verify(tampered, received.headers)
    other = webhook_actions.new_secret_for(SYSTEM, endpoint)
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(received.body, received.headers)
    old = {**received.headers, "webhook-timestamp": str(int(timezone.now().timestamp()) - 3600)}
    with pytest.raises(WebhookVerificationError, match="too old"):
        webhook.verify(received.body, old)


def test_the_receiver_refuses_a_tampered_signature_and_an_old_secret(receiver, endpoint):
    new = webhook_actions.new_secret_for(SYSTEM, endpoint)  # the receiver keeps the old one
    correct(make_article())
    run_worker()
    [received] = receiver.received
    assert received.refusal == "No matching signature found"
    assert Webhook(new).verify(received.body, received.headers)["type"] == "article.corrected"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.log.get().status_code == 401
    forged_signature = "v1," + base64.b64encode(bytes(32)).decode()
    forged = {**received.headers, "webhook-signature": forged_signature}
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(received.body, forged)


# Retries, failure, the log -----------------------------------------------------------------


def test_a_failing_receiver_is_retried_with_backoff_then_marked_failed_and_shown(
    admin_client, receiver, endpoint, settings
):
    settings.STANDFIRST_TASK_ATTEMPTS = 3
    settings.STANDFIRST_TASK_BACKOFF = 30
    receiver.statuses = [500] * 10
    article = make_article(headline="The harbour wall")
    correct(article)
    started = timezone.now()
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert timedelta(seconds=29) < delivery.next_attempt_at - started < timedelta(seconds=35)
    run_worker()  # the retry is not due yet
    assert len(receiver.received) == 1
    due_now()
    run_worker()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert 59 < (delivery.next_attempt_at - timezone.now()).total_seconds() <= 61  # doubled
    due_now()
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.finished_at is not None and delivery.outcome.startswith("500")
    assert [a.status_code for a in delivery.log.all()] == [500, 500, 500]
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.message_id}
    due_now()
    run_worker()
    assert len(receiver.received) == 3  # failed for good: no fourth try

    page = admin_client.get(reverse("admin:articles_webhookdelivery_change", args=[delivery.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Failed" in html
    assert html.count("500 Internal Server Error") == 4  # the outcome and each try's error
    assert "{&quot;seen&quot;: 500}" in html  # the start of each answer
    desk = admin_client.get(reverse("admin:index")).content.decode()
    link = reverse("admin:articles_webhookdelivery_changelist") + "?status__exact=failed"
    assert re.search(
        rf'<a href="{re.escape(link)}"><span class="desk-count">1</span> '
        r'<span class="desk-label">Failed webhook deliveries</span>',
        desk,
    )
    listed = admin_client.get(link).content.decode()
    assert "The harbour wall" in listed and "1 webhook delivery" in listed


def test_a_receiver_that_recovers_gets_the_same_message_once(receiver, endpoint):
    receiver.statuses = [503]
    correct(make_article())
    run_worker()
    due_now()
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.message_id
    due_now()
    run_worker()  # a duplicate task for the same delivery finds nothing to do
    assert len(receiver.received) == 2


def test_a_redirect_is_not_followed(receiver, endpoint):
    receiver.statuses = [302]
    correct(make_article())
    run_worker()
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code == 302 and "redirects are not followed" in attempt.error
    assert [r.path for r in receiver.received] == ["/hooks/standfirst"]


def test_a_deactivated_endpoint_is_sent_nothing_more(receiver, endpoint):
    receiver.statuses = [500]
    correct(make_article())
    run_worker()
    WebhookEndpoint.objects.update(active=False)
    due_now()
    run_worker()
    correct(make_article())
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "cancelled" and len(receiver.received) == 1


# Redaction ---------------------------------------------------------------------------------


def test_a_redaction_payload_and_the_log_hold_no_removed_name(receiver, endpoint):
    receiver.statuses = [500]  # the first notice, naming the child, is still being retried
    article = make_article(headline=f"What happened to {WHO}", body=f"{WHO} was seven.")
    edit(article, body=f"{WHO} was seven years old.")
    run_worker()
    assert WHO.encode() in receiver.received[0].body
    redact_by_action(article)
    due_now()
    run_worker()
    after = receiver.received[1:]  # the retried update, and the redaction itself
    assert sorted(r.payload["type"] for r in after) == [Event.REDACTED, Event.UPDATED]
    for received in after:
        text = received.body.decode().lower()
        assert "kerry" not in text and "sandal" not in text
    [redacted] = [r for r in after if r.payload["type"] == Event.REDACTED]
    article.refresh_from_db()
    assert redacted.payload["data"] == {
        "id": article.pk,
        "url": redacted.payload["data"]["url"],
        "headline": "What happened to the child",
    }
    assert redacted.payload["data"]["url"].endswith(article.get_absolute_url())
    stored = json.dumps(list(WebhookDelivery.objects.values("payload", "outcome")))
    stored += json.dumps(list(DeliveryAttempt.objects.values("response", "error")))
    assert "sandal" not in stored.lower() and "kerry" not in stored.lower()


# Email fallback ----------------------------------------------------------------------------


def test_an_endpoint_with_only_an_email_gets_the_notice_by_mail():
    webhook_actions.save(
        SYSTEM,
        WebhookEndpoint(
            name="Weekly Gazette", email="desk@gazette.example", events=["article.corrected"]
        ),
    )
    article = make_article(headline="The harbour wall")
    correct(article)
    run_worker()
    [message] = mail.outbox
    assert message.to == ["desk@gazette.example"]
    assert "The harbour wall" in message.subject and "Tuesday" in message.body
    assert article.get_absolute_url() in message.body
    assert WebhookDelivery.objects.get().status == "delivered"


# Saving an endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://10.0.0.5/hook", "The host 10.0.0.5 is a private or local address (10.0.0.5)"),
        ("http://127.0.0.1:18251/hook", "is a private or local address (127.0.0.1)"),
        ("http://localhost/hook", "is a private or local address"),
        ("http://[::1]/hook", "is a private or local address (::1)"),
        ("http://169.254.169.254/latest", "is a private or local address (169.254.169.254)"),
        ("ftp://partner.example/hook", "Only http:// and https:// URLs"),
        ("https://user:pw@partner.example/hook", "user name or password"),
    ],
)
def test_a_private_address_is_refused_when_saving_the_endpoint(admin_client, url, reason):
    add = reverse("admin:articles_webhookendpoint_add")
    response = admin_client.post(
        add, {"name": "Intranet", "url": url, "events": ["article.corrected"], "active": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert reason in html.replace("&#x27;", "'")
    if "private" in reason:
        assert "webhooks are sent only to public addresses. Nothing was saved." in html
    assert WebhookEndpoint.objects.count() == 0


def test_an_endpoint_needs_a_url_or_an_email_and_some_events(admin_client):
    add = reverse("admin:articles_webhookendpoint_add")
    response = admin_client.post(add, {"name": "Nobody", "events": ["article.corrected"]})
    assert "Give the endpoint a URL, or a contact email" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_the_secret_is_shown_once_after_adding(admin_client, receiver):
    add = reverse("admin:articles_webhookendpoint_add")
    response = admin_client.post(
        add,
        {"name": "Partner", "url": receiver.url, "events": ["article.corrected"], "active": "on"},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in response.content.decode()
    change = reverse("admin:articles_webhookendpoint_change", args=[endpoint.pk])
    page = admin_client.get(change).content.decode()
    assert endpoint.secret not in page and f"whsec_…{endpoint.secret[-4:]}" in page
    assert "<script" not in response.content.decode().split('id="content"')[1]


def test_deleting_a_public_story_tells_partners_to_take_it_down(receiver, endpoint, settings):
    article = make_article(headline="The harbour wall")
    pk, url = article.pk, settings.SITE_URL + article.get_absolute_url()
    article_actions.delete(SYSTEM, article)
    draft = make_article(status=Article.Status.DRAFT)
    article_actions.delete(SYSTEM, draft)  # never public: nothing to take down
    run_worker()
    [received] = receiver.received
    assert received.payload["type"] == "article.unpublished"
    assert received.payload["data"] == {"id": pk, "url": url, "headline": "The harbour wall"}
    assert WebhookDelivery.objects.get().article is None


def test_a_legal_hold_tells_only_of_public_stories_whose_comments_it_closes(receiver, endpoint):
    tag = make_tag(name="Court case")
    open_ = make_article(tags=[tag])
    already = make_article(tags=[tag])
    article_actions.close_comments(SYSTEM, already)  # closed by an editor, not news
    make_article(tags=[tag], status=Article.Status.DRAFT)
    apply_hold(SYSTEM, LegalHold(tag=tag, reason="Proceedings are active."))
    run_worker()
    assert [r.payload["data"]["id"] for r in receiver.received] == [open_.pk]
    assert receiver.received[0].payload["data"]["reason"] == "legal"


def test_queuing_an_event_costs_two_writes_per_endpoint(receiver, django_assert_num_queries):
    article = make_article()
    for n in range(3):
        subscribe(receiver, name=f"Partner {n}")
    correction = Correction.objects.create(article=article, text="Tuesday, not Monday.")
    events = [(Event.CORRECTED, article.pk, {"correction": correction.pk})]
    # The endpoints, the article, the correction; a delivery and its task per endpoint;
    # queue()'s atomic block, a savepoint inside the action's transaction (2).
    with transaction.atomic(), django_assert_num_queries(3 + 2 * 3 + 2):
        notices.queue(events)
    assert WebhookDelivery.objects.count() == 3


def test_a_new_secret_from_the_list_is_shown_once_and_the_old_one_stops_working(
    admin_client, receiver, endpoint
):
    old = endpoint.secret
    response = admin_client.post(
        reverse("admin:articles_webhookendpoint_changelist"),
        {"action": "give_new_secret", "_selected_action": [endpoint.pk]},
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()
    assert old not in response.content.decode()
    receiver.secret = endpoint.secret
    correct(make_article())
    run_worker()
    assert receiver.received[-1].refusal == ""
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(receiver.received[-1].body, receiver.received[-1].headers)


def test_one_transaction_announces_each_story_once(receiver, endpoint):
    article = make_article()
    with transaction.atomic():
        edit(article, headline="First change")
        edit(article, headline="Second change")
        correct(article)  # absorbs the edits
    with transaction.atomic():
        edit(article, headline="Third change")
        edit(article, headline="Fourth change")
    run_worker()
    assert receiver.events() == [Event.CORRECTED.value, Event.UPDATED.value]
    assert receiver.received[1].payload["data"]["headline"] == "Fourth change"


def test_the_action_refuses_an_endpoint_with_nowhere_to_send_or_nothing_to_send():
    with pytest.raises(Refused, match="Give the endpoint a URL, or a contact email"):
        webhook_actions.save(SYSTEM, WebhookEndpoint(name="Nobody", events=["article.updated"]))
    with pytest.raises(Refused, match="Choose the events"):
        webhook_actions.save(SYSTEM, WebhookEndpoint(name="Mute", email="a@b.example", events=[]))
    with pytest.raises(Refused, match="Choose the events"):
        webhook_actions.save(
            SYSTEM, WebhookEndpoint(name="Odd", email="a@b.example", events=["article.liked"])
        )
    assert WebhookEndpoint.objects.count() == 0


def test_taking_down_a_story_readers_no_longer_see_is_not_news(receiver, endpoint):
    """Expired is not public (Article.objects.published()): unpublishing it tells no one."""
    expired = make_article(expires_at=timezone.now() - timedelta(minutes=5))
    article_actions.unpublish(SYSTEM, expired)
    live = make_article(headline="Still up")
    article_actions.unpublish(SYSTEM, live)
    run_worker()
    assert receiver.events() == [Event.UNPUBLISHED.value]
    assert receiver.received[0].payload["data"]["id"] == live.pk
