"""Source watch: the worker re-reads a republished original from a real HTTP server on
127.0.0.1 (tests/intake_server.py) serving shipped pages (tests/intake_fixtures/watch/): a
body change, a correction in the JSON-LD, a 410; each raises a desk alert with a drafted
correction that readers see only once an editor publishes it, and a takedown unpublishes
our copy when the site settings say so. A 304 changes nothing; a 500 is retried, not an
alert."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import intake
from articles.actions import NotAllowed, redaction, sourcewatch
from articles.actions import articles as article_actions
from articles.actions import intake as intake_actions
from articles.actions import republication as republication_actions
from articles.actions import sourcealerts as alert_actions
from articles.intake.fetch import FetchRefused, fetch
from articles.models import (
    Article,
    AuditEntry,
    Correction,
    SiteSettings,
    SourceAlert,
    SourceSnapshot,
    SourceWatch,
)
from tests.factories import make_article, make_member
from tests.intake_server import FIXTURES
from tests.worker import run_worker

pytestmark = pytest.mark.django_db
PATH = "/news/island-ferry-evening-crossing"
TASK = "articles.actions.sourcewatch.check_source"
OLD_SENTENCE = "It did not say how many sailings a week would be lost."
NOTE = "It leaves at half past five."


def page(server, name, **fields):
    """A shipped page as the original's publisher serves it, dated around now."""
    now = timezone.now()
    text = (FIXTURES / "watch" / name).read_text()
    values = {
        "origin": server.url("").rstrip("/"),
        "published": (now - timedelta(hours=2)).isoformat(),
        "modified": (now - timedelta(minutes=10)).isoformat(),
        **fields,
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


@pytest.fixture
def editor():
    return make_member("eddie", "Editors")


@pytest.fixture
def story(intake_server, editor):
    """The ferry story, taken in from its URL and published."""
    url = intake_server.add(PATH, page(intake_server, "ferry.html"))
    article, _ = intake_actions.import_record(editor, intake.from_url(url))
    return article_actions.publish(editor, article)


def check_now(article):
    """Make the queued check due now, and run the worker as `db_worker` does."""
    past = timezone.now() - timedelta(seconds=1)
    SourceWatch.objects.filter(republication__article=article).update(next_check_at=past)
    DBTaskResult.objects.filter(task_path=TASK, status="READY").update(run_after=past)
    run_worker()
    return SourceWatch.objects.get(republication__article=article)


def serve(server, name="ferry.html", **route):
    server.add(PATH, page(server, name) if name else b"", **route)


def diff_lines(diff, sign):
    """The paragraphs a unified diff removes ("-") or adds ("+"), without the headers."""
    lines = diff.splitlines()[2:]
    return [line[1:] for line in lines if line.startswith(sign)]


def desk_count(client):
    [item] = [
        i for i in client.get(reverse("admin:index")).context["desk"] if "Source" in i["label"]
    ]
    return item


def public(client, article):
    return client.get(article.get_absolute_url())


def test_importing_an_original_by_url_schedules_its_first_check(story):
    watch = SourceWatch.objects.get(republication__article=story)
    assert watch.republication.original_url.endswith(PATH)
    assert watch.next_check_at - timezone.now() == pytest.approx(
        timedelta(hours=1), abs=timedelta(minutes=1)
    )
    [queued] = DBTaskResult.objects.filter(task_path=TASK)
    assert queued.status == "READY" and queued.run_after == watch.next_check_at
    assert queued.args_kwargs["args"] == [watch.republication_id]


def test_saving_the_record_again_requeues_only_an_overdue_watch(story, editor):
    republication = story.republication_record
    DBTaskResult.objects.all().delete()
    republication_actions.record(editor, republication)
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()  # its next check is queued
    past = timezone.now() - timedelta(days=1)
    SourceWatch.objects.filter(republication=republication).update(next_check_at=past)
    republication_actions.record(editor, republication)  # a chain broken by failed runs
    [queued] = DBTaskResult.objects.filter(task_path=TASK)
    assert queued.run_after == past


def test_checks_back_off_as_the_original_ages():
    now = timezone.now()
    assert sourcewatch.interval(now - timedelta(hours=3), now) == timedelta(hours=1)
    assert sourcewatch.interval(now - timedelta(days=2), now) == timedelta(days=1)
    assert sourcewatch.interval(now - timedelta(days=29), now) == timedelta(days=1)
    assert sourcewatch.interval(now - timedelta(days=31), now) == timedelta(weeks=1)


def test_a_changed_body_raises_an_alert_with_a_diff_and_a_draft_readers_do_not_see(
    client, intake_server, story, editor
):
    first = story.source_snapshots.get()
    serve(intake_server, "ferry-updated.html")
    watch = check_now(story)
    [alert] = SourceAlert.objects.all()
    assert alert.kind == SourceAlert.Kind.CHANGED and not alert.resolved
    removed, added = diff_lines(alert.diff, "-"), diff_lines(alert.diff, "+")
    assert [OLD_SENTENCE in line for line in removed] == [True]
    assert ["four sailings a week" in line for line in added] == [True, False]
    assert added[1].startswith("The operator, Clyde Island Ferries, said on Saturday")
    assert alert.correction_text.startswith("The Harbour Gazette updated the original")
    # The new bytes are a new snapshot; the old one is as it was.
    assert alert.snapshot.sha256 == SourceSnapshot.digest(alert.snapshot.text)
    assert "Clyde Island Ferries" in alert.snapshot.text
    assert SourceSnapshot.objects.get(pk=first.pk).sha256 == first.sha256
    assert story.source_snapshots.count() == 2
    # Not public: no correction exists until an editor publishes the draft.
    assert not Correction.objects.exists()
    assert alert.correction_text not in public(client, story).content.decode()
    assert public(client, story).status_code == 200
    # The next check is an hour on; the worker ran it once (a duplicate finds it not due).
    assert watch.checks == 1 and watch.next_check_at > timezone.now() + timedelta(minutes=55)
    fetches = len(intake_server.requests)
    duplicate = sourcewatch.check_source.enqueue(watch.republication_id)
    run_worker()
    assert DBTaskResult.objects.get(pk=duplicate.id).return_value == "not due"
    assert len(intake_server.requests) == fetches and SourceAlert.objects.count() == 1
    # The desk counts it and links to it; the article shows it in the admin.
    client.force_login(editor)
    item = desk_count(client)
    assert item["count"] == 1
    listed = client.get(item["url"]).context["cl"].result_list
    assert [a.pk for a in listed] == [alert.pk]
    change_page = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    shown = change_page.content.decode()
    assert "Source alerts (what the original did" in shown and "Body changed" in shown
    alert_page = client.get(reverse("admin:articles_sourcealert_change", args=[alert.pk]))
    assert "<pre>--- snapshot\n+++ original now" in alert_page.content.decode()
    watch_list = client.get(reverse("admin:articles_sourcewatch_changelist"))
    assert [w.pk for w in watch_list.context["cl"].result_list] == [watch.pk]
    # The editor edits the draft, then publishes it: now readers see it.
    client.post(
        reverse("admin:articles_sourcealert_change", args=[alert.pk]),
        {"correction_text": "The publisher added the operator's reply."},
    )
    response = client.post(
        reverse("admin:articles_sourcealert_changelist"),
        {"action": "publish_correction", "_selected_action": [alert.pk]},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved and alert.resolved_by == editor
    assert alert.correction.text == "The publisher added the operator's reply."
    assert alert.correction.kind == Correction.Kind.UPDATE
    client.logout()
    assert (
        "The publisher added the operator&#x27;s reply." in public(client, story).content.decode()
    )
    # Audited: the watch's alert (a system actor), the editor's resolution and correction.
    entries = {
        (e.action, e.system_actor, e.actor_id) for e in AuditEntry.objects.filter(article=story)
    }
    assert (AuditEntry.Action.SOURCE_ALERT, "source watch", None) in entries
    assert (AuditEntry.Action.SOURCE_ALERT_RESOLVED, "", editor.pk) in entries
    assert (AuditEntry.Action.CORRECTED, "", editor.pk) in entries


def test_a_correction_in_the_originals_structured_data_drafts_it_and_a_discard_publishes_nothing(
    client, intake_server, story, editor
):
    serve(intake_server, "ferry-corrected.html")
    check_now(story)
    [alert] = SourceAlert.objects.all()
    assert alert.kind == SourceAlert.Kind.CORRECTED
    assert NOTE in alert.detail and NOTE in alert.correction_text
    assert "+From Monday the last ferry to the mainland leaves at half past five" in alert.diff
    assert NOTE not in public(client, story).content.decode()
    assert NOTE not in client.get(reverse("articles:corrections")).content.decode()
    alert_actions.discard(editor, alert)
    alert.refresh_from_db()
    assert alert.resolved and alert.correction is None
    assert not Correction.objects.exists()
    with pytest.raises(alert_actions.Refused):
        alert_actions.publish_correction(editor, alert)
    assert not Correction.objects.exists()


@pytest.mark.parametrize("unpublishes", [True, False])
def test_a_410_raises_a_gone_alert_and_unpublishes_our_copy_when_the_site_says_so(
    client, intake_server, story, editor, unpublishes
):
    settings_row = SiteSettings.load()
    settings_row.source_gone_unpublishes = unpublishes
    settings_row.save()
    serve(intake_server, "ferry-gone.html", status=410)
    watch = check_now(story)
    [alert] = SourceAlert.objects.all()
    assert alert.kind == SourceAlert.Kind.GONE and "410" in alert.detail
    assert (
        alert.correction_text == "The Harbour Gazette has withdrawn the original of this article."
    )
    assert alert.unpublished is unpublishes and watch.last_status == 410
    assert not Correction.objects.exists()
    story.refresh_from_db()
    if unpublishes:
        assert story.status == Article.Status.DRAFT
        assert public(client, story).status_code == 404
        assert AuditEntry.objects.filter(
            article=story, action=AuditEntry.Action.UNPUBLISHED, system_actor="source watch"
        ).exists()
    else:
        assert story.status == Article.Status.PUBLISHED
        assert public(client, story).status_code == 200
    # Still gone at the next check: no second alert.
    check_now(story)
    assert SourceAlert.objects.count() == 1


def test_a_304_changes_nothing(intake_server, story):
    serve(intake_server, headers={"ETag": '"v1"', "Last-Modified": "Fri, 04 Dec 2026 08:00:00 GMT"})
    watch = check_now(story)
    assert (watch.etag, watch.last_status) == ('"v1"', 200)
    serve(intake_server, None, status=304, content_type="")
    before = AuditEntry.objects.count(), story.source_snapshots.count()
    watch = check_now(story)
    path, headers = intake_server.requests[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Fri, 04 Dec 2026 08:00:00 GMT"
    assert (watch.last_status, watch.checks, watch.etag) == (304, 2, '"v1"')
    assert not SourceAlert.objects.exists()
    assert (AuditEntry.objects.count(), story.source_snapshots.count()) == before


def test_a_transient_500_is_retried_sooner_and_raises_no_alert(intake_server, story):
    serve(intake_server, "ferry-updated.html", status=500)
    watch = check_now(story)
    assert not SourceAlert.objects.exists()
    assert watch.failures == 1 and watch.last_status == 500 and "500" in watch.last_error
    retry = watch.next_check_at - timezone.now()
    assert timedelta(minutes=4) < retry <= timedelta(minutes=5)
    assert DBTaskResult.objects.filter(
        task_path=TASK, status="READY", run_after=watch.next_check_at
    ).exists()
    serve(intake_server)  # back, unchanged
    watch = check_now(story)
    assert not SourceAlert.objects.exists()
    assert (watch.failures, watch.last_error, watch.last_status) == (0, "", 200)


def test_a_redacted_article_is_watched_for_a_takedown_only(intake_server, story, editor):
    redaction.redact(editor, [story], ["Isla Campbell"], "[name removed]")
    serve(intake_server, "ferry-updated.html")
    check_now(story)
    assert not SourceAlert.objects.exists()
    assert not story.source_snapshots.filter(
        text__contains="Isla Campbell", redacted_at=None
    ).exists()


def test_redaction_rewrites_an_alerts_diff_and_draft(intake_server, story, editor):
    serve(intake_server, "ferry-updated.html")
    check_now(story)
    alert = SourceAlert.objects.get()
    alert.correction_text = "Isla Campbell's shop was named."
    alert_actions.save_draft(editor, alert)
    assert (
        "Isla Campbell"
        in SourceAlert.objects.get().diff + SourceAlert.objects.get().correction_text
    )
    redaction.redact(editor, [story], ["Isla Campbell"], "[name removed]")
    alert = SourceAlert.objects.get()
    assert "Isla Campbell" not in alert.diff + alert.correction_text + alert.detail


def test_conditional_fetches_keep_every_guard(intake_server, settings):
    settings.STANDFIRST_INTAKE_ALLOWED_HOSTS = []
    with pytest.raises(FetchRefused, match="private or local"):
        fetch(intake_server.url(PATH), etag='"v1"')
    settings.STANDFIRST_INTAKE_ALLOWED_HOSTS = ["127.0.0.1"]
    serve(intake_server, None, status=304, content_type="")
    with pytest.raises(FetchRefused, match="304"):  # a 304 we did not ask for is no answer
        fetch(intake_server.url(PATH))
    with pytest.raises(FetchRefused, match="304"):
        fetch(intake_server.url(PATH), etag='"v1"\r\nX-Injected: 1')
    assert all("X-Injected" not in headers for _, headers in intake_server.requests)


def test_after_a_change_the_licence_check_reads_the_original_as_it_now_is(
    intake_server, story, editor
):
    republication = story.republication_record
    republication.allowed_edits = republication.Edits.NONE  # verbatim only
    republication_actions.record(editor, republication)
    serve(intake_server, "ferry-updated.html")
    check_now(story)
    kept = Article.objects.get(pk=story.pk)
    with pytest.raises(article_actions.GateClosed):  # our copy no longer matches
        article_actions.save(editor, kept, expected_version=kept.version)
    now = intake.read(SourceAlert.objects.get().snapshot.text.encode(), "html")
    kept = Article.objects.get(pk=story.pk)
    kept.standfirst, kept.body = now.standfirst, now.body
    article_actions.save(editor, kept, expected_version=kept.version)  # in line again


def test_the_legal_role_reads_source_alerts_and_may_not_resolve_them(client):
    """A takedown of the original is a lawyer's business too: they see the alert, the
    editors act on it."""
    article = make_article()
    alert = SourceAlert.objects.create(
        article=article, kind=SourceAlert.Kind.GONE, detail="The original answered 410 Gone."
    )
    client.force_login(make_member("lex", "Legal"))
    listing = client.get(reverse("admin:articles_sourcealert_changelist"))
    assert listing.status_code == 200 and article.headline in listing.content.decode()
    assert client.get(reverse("admin:articles_sourcewatch_changelist")).status_code == 200
    page = client.get(reverse("admin:articles_sourcealert_change", args=[alert.pk]))
    assert page.status_code == 200 and "410 Gone" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    with pytest.raises(NotAllowed):
        alert_actions.discard(make_member("lex2", "Legal"), alert)
