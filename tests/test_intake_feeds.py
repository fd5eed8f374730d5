"""Partner feed subscriptions, end to end: an editor subscribes in the admin, the real
database worker polls a real HTTP server on 127.0.0.1 serving feeds shaped like partners'
(a WordPress RSS 2.0 feed, an Atom partner feed, a Superdesk-style ninjs list, shipped in
tests/intake_fixtures/feeds/), and the desk sees drafts, the last poll and its errors."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import reviews
from articles.actions import subscriptions as subscription_actions
from articles.actions.feed_polls import poll_feed
from articles.actions.intake import import_record
from articles.actors import SystemActor
from articles.intake import IntakeRecord
from articles.models import Article, FeedItem, FeedSubscription, Republication
from tests.factories import make_member
from tests.worker import run_worker

pytestmark = pytest.mark.django_db
FEEDS = Path(__file__).resolve().parent / "intake_fixtures" / "feeds"
RSS = (FEEDS / "coastline-rss.xml").read_bytes()
ATOM = (FEEDS / "northern-wire-atom.xml").read_bytes()
NINJS = (FEEDS / "fjord-ninjs-feed.json").read_bytes()
RSS_TYPE = "application/rss+xml; charset=UTF-8"
CHANGELIST = reverse("admin:articles_feedsubscription_changelist")
DESK = SystemActor("desk test")


@pytest.fixture
def editor_client(client):
    client.force_login(make_member("editor", "Editors"))
    return client


def subscribe(url, **fields):
    fields = {
        "name": "Coastline Herald news",
        "publisher": "Coastline Herald",
        "url": url,
        "licence": Republication.Licence.CC_BY_ND,
        **fields,
    }
    return subscription_actions.save(DESK, FeedSubscription(**fields))


def poll_now(client, subscription):
    response = client.post(
        CHANGELIST, {"action": "poll_now", "_selected_action": [subscription.pk]}
    )
    assert response.status_code == 302
    run_worker()
    subscription.refresh_from_db()
    return subscription


def serve_rss(server, body=RSS, etag='"v1"'):
    return server.add("/feed/", body, content_type=RSS_TYPE, headers={"ETag": etag})


def test_an_editor_subscribes_in_the_admin_and_the_worker_takes_in_drafts(
    editor_client, intake_server
):
    url = serve_rss(intake_server)
    response = editor_client.post(
        reverse("admin:articles_feedsubscription_add"),
        {
            "name": "Coastline Herald news",
            "publisher": "Coastline Herald",
            "url": url,
            "format": "rss",
            "poll_minutes": "30",
            "active": "on",
            "licence": "other",
            "permission_reference": "",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    subscription = FeedSubscription.objects.get()
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "articles.actions.feed_polls.poll_feed" and queued.status == "READY"
    assert Article.objects.count() == 0  # only the worker fetches

    run_worker()
    subscription.refresh_from_db()
    drafts = Article.objects.order_by("headline")
    assert [a.headline for a in drafts] == [
        "Christmas lights switch-on moves to the quay",
        "Harbour car park charges to rise from January",
        "Lifeboat crew rescue two walkers cut off by the tide at Gull Point",
    ]
    assert {a.status for a in drafts} == {Article.Status.DRAFT}
    rescue = drafts.get(headline__startswith="Lifeboat")
    record = rescue.republication
    assert record.publisher == "Coastline Herald"
    assert record.original_byline == "Morwenna Tregear"
    assert (
        record.original_url
        == "https://coastlineherald.example/2026/12/03/lifeboat-gull-point-rescue/"
    )
    assert record.source_guid == "https://coastlineherald.example/?p=48211"
    assert record.licence == Republication.Licence.CC_BY_ND  # the feed's creativeCommons:license
    assert record.allowed_edits == Republication.Edits.NONE
    assert record.lead_image_credit == "Photo: RNLI/Kerensa Hocking"
    assert record.approved_by is None  # no person approved it: an editor publishes
    assert "said helm Jory Penrose" in rescue.body
    for hostile in ("script", "alert", "javascript", "onclick", "steal"):
        assert hostile not in rescue.body and hostile not in rescue.body_html
    [snapshot] = rescue.source_snapshots.all()
    assert snapshot.media_type == "application/rss+xml"
    assert snapshot.text.count("<item>") == 1 and "Gull Point" in snapshot.text

    lights = FeedItem.objects.get(article__headline__startswith="Christmas")
    assert lights.summary_only  # a description only: taken as it is, and marked
    assert lights.article.body.startswith("This year")
    assert FeedItem.objects.filter(summary_only=False).count() == 2

    assert subscription.last_result == "3 new, 0 updated, 0 unchanged, 0 left alone."
    assert subscription.last_error == "" and subscription.etag == '"v1"'
    assert subscription.last_polled_at is not None
    later = polls().filter(status="READY").get()  # (each new draft's source watch aside)
    assert later.run_after == subscription.next_poll_at
    assert subscription.next_poll_at > timezone.now() + timedelta(minutes=29)

    page = editor_client.get(CHANGELIST).content.decode()
    assert "3 new, 0 updated" in page and "Coastline Herald news" in page
    change = editor_client.get(
        reverse("admin:articles_feedsubscription_change", args=[subscription.pk])
    ).content.decode()
    assert "Lifeboat crew rescue two walkers" in change and "Last poll" in change


def test_the_second_poll_asks_conditionally_and_a_304_takes_in_nothing(
    editor_client, intake_server
):
    subscription = subscribe(serve_rss(intake_server))
    run_worker()
    assert intake_server.requests[-1][1].get("If-None-Match") is None
    poll_now(editor_client, subscription)
    path, headers = intake_server.requests[-1]
    assert path == "/feed/" and headers["If-None-Match"] == '"v1"'
    assert subscription.last_result == "Not modified since the last poll."
    assert Article.objects.count() == 3 and FeedItem.objects.count() == 3


def test_last_modified_is_sent_back_as_if_modified_since(editor_client, intake_server):
    stamp = "Thu, 03 Dec 2026 16:05:12 GMT"
    url = intake_server.add("/feed/", RSS, content_type=RSS_TYPE, headers={"Last-Modified": stamp})
    subscription = subscribe(url)
    run_worker()
    poll_now(editor_client, subscription)
    assert intake_server.requests[-1][1]["If-Modified-Since"] == stamp


def test_a_changed_item_updates_its_draft_instead_of_duplicating_it(editor_client, intake_server):
    subscription = subscribe(serve_rss(intake_server))
    run_worker()
    rescue = Article.objects.get(headline__startswith="Lifeboat")
    changed = RSS.replace(b"within twenty minutes", b"within fifteen minutes")
    serve_rss(intake_server, changed, etag='"v2"')
    poll_now(editor_client, subscription)
    assert Article.objects.count() == 3
    rescue.refresh_from_db()
    assert "within fifteen minutes" in rescue.body
    assert rescue.source_snapshots.count() == 2
    assert subscription.last_result == "0 new, 1 updated, 2 unchanged, 0 left alone."
    assert subscription.etag == '"v2"'


def test_the_same_story_under_a_new_guid_is_not_duplicated_by_url_or_by_content(
    editor_client, intake_server
):
    subscription = subscribe(serve_rss(intake_server))
    run_worker()
    rescue = Article.objects.get(headline__startswith="Lifeboat")
    new_guid = RSS.replace(b"?p=48211", b"?p=99001").replace(b"twenty", b"fifteen")
    serve_rss(intake_server, new_guid, etag='"v2"')  # the same URL only
    poll_now(editor_client, subscription)
    assert subscription.last_result == "0 new, 1 updated, 2 unchanged, 0 left alone."
    moved = new_guid.replace(b"lifeboat-gull-point-rescue/</link>", b"rescue-moved/</link>")
    moved = moved.replace(b"?p=99001", b"?p=99002")  # the same text only
    serve_rss(intake_server, moved, etag='"v3"')
    poll_now(editor_client, subscription)
    assert Article.objects.count() == 3
    rescue.refresh_from_db()
    assert "within fifteen minutes" in rescue.body
    items = FeedItem.objects.filter(article=rescue)
    assert sorted(items.values_list("guid", flat=True)) == [
        "https://coastlineherald.example/?p=48211",
        "https://coastlineherald.example/?p=99001",
        "https://coastlineherald.example/?p=99002",
    ]
    assert subscription.last_result == "0 new, 0 updated, 3 unchanged, 0 left alone."


def test_a_published_story_and_a_deleted_one_are_left_alone(editor_client, intake_server):
    subscription = subscribe(serve_rss(intake_server))
    run_worker()
    rescue = Article.objects.get(headline__startswith="Lifeboat")
    Article.objects.filter(pk=rescue.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    Article.objects.filter(headline__startswith="Harbour").delete()
    changed = RSS.replace(b"twenty minutes", b"fifteen minutes").replace(b"1.80", b"1.90")
    serve_rss(intake_server, changed, etag='"v2"')
    poll_now(editor_client, subscription)
    assert Article.objects.count() == 2
    assert "twenty minutes" in Article.objects.get(pk=rescue.pk).body
    assert subscription.last_result == "0 new, 0 updated, 1 unchanged, 2 left alone."


def test_atom_and_ninjs_partner_feeds_become_drafts(intake_server):
    atom = intake_server.add("/atom.xml", ATOM, content_type="application/atom+xml")
    ninjs = intake_server.add("/items", NINJS, content_type="application/json")
    subscribe(atom, name="Northern Wire", publisher="Northern Wire", licence="other")
    subscribe(ninjs, name="Fjord Press", publisher="Fjord Press", format="ninjs")
    run_worker()
    mill = Article.objects.get(headline="Mill reopens as a community bakery")
    assert mill.standfirst.startswith("A flour mill closed for thirty years")
    assert "“We wanted somewhere that smelled of bread again,” said Tom Hirst" in mill.body
    assert "onerror" not in mill.body_html and "pixel.gif" not in mill.body_html
    assert mill.republication.licence == Republication.Licence.CC_BY  # rel="license"
    assert mill.republication.original_updated_at is not None
    assert mill.source_snapshots.get().media_type == "application/atom+xml"
    ferry = Article.objects.get(headline="Ferry timetable cut back for the winter")
    assert ferry.republication.source_guid == "urn:newsml:fjordpress.example:20261204:fp-5521"
    assert ferry.republication.licence == Republication.Licence.CC_BY_ND
    assert ferry.source_snapshots.get().media_type == "application/json"
    assert Article.objects.count() == 4
    assert {a.status for a in Article.objects.all()} == {Article.Status.DRAFT}


@pytest.mark.parametrize(
    ("body", "status", "content_type", "error"),
    [
        (b"Internal error", 500, "text/plain", "answered 500"),
        (RSS[:-40], 200, RSS_TYPE, "The feed is not well-formed XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item>'
            b"<title>&b;</title></item></channel></rss>",
            200,
            RSS_TYPE,
            "declares a DTD or entities",
        ),
        (b"<html><body>Not a feed</body></html>", 200, "text/html", "sent text/html, not a feed"),
        (b"<opml version='2.0'/>", 200, "text/xml", "not an RSS or Atom feed"),
    ],
)
def test_a_failing_or_hostile_feed_shows_its_error_and_stores_nothing(
    editor_client, intake_server, body, status, content_type, error
):
    url = intake_server.add("/feed/", body, status=status, content_type=content_type)
    subscription = subscribe(url)
    run_worker()
    subscription.refresh_from_db()
    assert error in subscription.last_error
    assert subscription.last_error_at is not None and subscription.etag == ""
    assert subscription.last_result == "Nothing taken in."
    assert Article.objects.count() == 0 and FeedItem.objects.count() == 0
    assert error in editor_client.get(CHANGELIST).content.decode()
    change = reverse("admin:articles_feedsubscription_change", args=[subscription.pk])
    assert error in editor_client.get(change).content.decode()


def test_an_unreadable_item_is_named_and_the_rest_go_in_without_keeping_the_etag(
    editor_client, intake_server
):
    broken = RSS.replace(
        b"<title>Harbour car park charges to rise from January</title>", b"<title></title>"
    )
    subscription = subscribe(serve_rss(intake_server, broken))
    run_worker()
    subscription.refresh_from_db()
    assert subscription.last_error == "Item 2: The document has no headline."
    assert Article.objects.count() == 2 and subscription.etag == ""
    poll_now(editor_client, subscription)
    assert intake_server.requests[-1][1].get("If-None-Match") is None


def test_auto_publish_only_where_the_feed_and_the_licence_allow_it(intake_server):
    by = RSS.replace(
        b"creativecommons.org/licenses/by-nd/4.0/", b"creativecommons.org/licenses/by/4.0/"
    )
    url = serve_rss(intake_server, by)
    subscribe(url, auto_publish=True, licence="cc-by")
    run_worker()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    assert sorted(published.values_list("headline", flat=True)) == [
        "Harbour car park charges to rise from January",
        "Lifeboat crew rescue two walkers cut off by the tide at Gull Point",
    ]
    # The summary-only item waits for an editor.
    lights = Article.objects.get(headline__startswith="Christmas")
    assert lights.status == Article.Status.DRAFT
    assert list(Article.objects.published()) != []


def test_auto_publish_holds_a_no_edits_licence_for_the_legal_step(intake_server):
    subscribe(serve_rss(intake_server), auto_publish=True, licence="cc-by-nd")
    run_worker()
    assert not Article.objects.filter(status=Article.Status.PUBLISHED).exists()
    held = Article.objects.get(headline__startswith="Lifeboat crew")
    assert held.published_at is None
    (waiting,) = reviews.outstanding(held)
    assert "Legal" in waiting and "allows no edits" in waiting


def test_a_feed_without_auto_publish_or_with_an_items_own_terms_makes_drafts(
    intake_server,
):
    own_terms = RSS.replace(
        b"<creativeCommons:license>https://creativecommons.org/licenses/by-nd/4.0/",
        b"<creativeCommons:license>Not for use outside Cornwall",
    )
    subscribe(serve_rss(intake_server, own_terms), auto_publish=True, licence="cc-by")
    off = intake_server.add("/atom.xml", ATOM, content_type="application/atom+xml")
    subscribe(off, name="Northern Wire", publisher="Northern Wire", licence="cc-by")
    run_worker()
    assert Article.objects.count() == 5
    assert not Article.objects.filter(status=Article.Status.PUBLISHED).exists()


def test_auto_publish_is_refused_for_a_feed_under_other_terms(editor_client, intake_server):
    response = editor_client.post(
        reverse("admin:articles_feedsubscription_add"),
        {
            "name": "Wire",
            "publisher": "Wire",
            "url": serve_rss(intake_server),
            "format": "rss",
            "poll_minutes": "30",
            "active": "on",
            "licence": "other",
            "auto_publish": "on",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "other terms need an editor" in response.content.decode()
    assert not FeedSubscription.objects.exists() and not DBTaskResult.objects.exists()


def polls():
    """The queue's feed polls (each new draft also queues its source watch)."""
    return DBTaskResult.objects.filter(task_path="articles.actions.feed_polls.poll_feed")


def test_a_duplicate_or_early_poll_task_does_nothing(intake_server):
    subscription = subscribe(serve_rss(intake_server))
    poll_feed.enqueue(subscription.pk)  # a duplicate of the first poll
    run_worker()
    assert len(intake_server.requests) == 1
    done = polls().exclude(status="READY")
    assert sorted(done.values_list("return_value", flat=True))[1] == "not due"
    assert polls().filter(status="READY").count() == 1  # one next poll


def test_an_inactive_subscription_is_not_polled(intake_server):
    subscription = subscribe(serve_rss(intake_server))
    subscription.active = False
    subscription_actions.save(DESK, subscription)
    run_worker()
    assert intake_server.requests == [] and Article.objects.count() == 0


def test_a_writer_may_not_subscribe(client, intake_server):
    client.force_login(make_member("writer", "Writers"))
    response = client.get(reverse("admin:articles_feedsubscription_add"))
    assert response.status_code == 403


def test_republishing_from_a_feeds_url_points_to_subscriptions(editor_client, intake_server):
    url = serve_rss(intake_server)
    response = editor_client.post(
        reverse("admin:articles_article_republish"), {"source": "url", "url": url}
    )
    page = response.content.decode()
    assert "This is a feed of 3 items" in page and "Feed subscriptions" in page
    assert Article.objects.count() == 0


def test_the_subscription_list_costs_the_same_queries_for_many_feeds(
    editor_client, intake_server, django_assert_num_queries
):
    url = serve_rss(intake_server)
    subscribe(url)
    run_worker()
    editor_client.get(CHANGELIST)  # warm the session and the site settings
    for number in range(5):
        subscribe(f"{url}?{number}", name=f"Feed {number}")
    # One of them loads the authenticator that verified the session (django-otp).
    with django_assert_num_queries(9):
        response = editor_client.get(CHANGELIST)
    assert response.content.decode().count("3 new, 0 updated") == 1


def test_a_story_already_taken_in_from_its_url_is_updated_not_duplicated(intake_server):
    earlier = IntakeRecord(
        headline="Lifeboat rescue at Gull Point",
        standfirst="Two walkers were rescued.",
        body="An earlier version of the story.",
        source_text="An earlier version of the story.",
        publisher="Coastline Herald",
        original_url="https://coastlineherald.example/2026/12/03/lifeboat-gull-point-rescue/",
    )
    article, _ = import_record(make_member("editor", "Editors"), earlier)
    subscription = subscribe(serve_rss(intake_server))
    run_worker()
    subscription.refresh_from_db()
    assert subscription.last_result == "2 new, 1 updated, 0 unchanged, 0 left alone."
    article.refresh_from_db()
    assert Article.objects.count() == 3 and "said helm Jory Penrose" in article.body
    assert FeedItem.objects.get(article=article).guid.endswith("?p=48211")


def test_a_feed_on_a_private_address_is_refused_by_the_same_guard(intake_server, settings):
    subscription = subscribe(serve_rss(intake_server))
    settings.STANDFIRST_INTAKE_ALLOWED_HOSTS = []
    run_worker()
    subscription.refresh_from_db()
    assert "is a private or local address" in subscription.last_error
    assert intake_server.requests == [] and Article.objects.count() == 0


def test_the_items_record_matches_by_url_even_when_the_article_no_longer_says_it(
    editor_client, intake_server
):
    subscription = subscribe(serve_rss(intake_server))
    run_worker()
    rescue = Article.objects.get(headline__startswith="Lifeboat")
    Republication.objects.filter(article=rescue).update(original_url="https://example.org/x")
    renamed = RSS.replace(b"?p=48211", b"?p=99001").replace(
        b"Lifeboat crew rescue two walkers", b"Two walkers rescued"
    )
    serve_rss(intake_server, renamed, etag='"v2"')  # a new GUID, headline and text
    poll_now(editor_client, subscription)
    assert Article.objects.count() == 3
    rescue.refresh_from_db()
    assert rescue.headline.startswith("Two walkers rescued")
