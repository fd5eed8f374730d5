"""The admin index as the editor's desk: what needs someone now, counted per role, each
count linking to a changelist of exactly those rows; and every model grouped by job."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import identification
from articles.actions import notes as note_actions
from articles.actions import safeguarding as safeguarding_actions
from articles.models import (
    Article,
    Callout,
    Comment,
    DoNotIdentify,
    ImageRights,
    ProblemReport,
    SiteSettings,
    SourceAlert,
    WebhookDelivery,
    WebhookEndpoint,
)
from cms.admin import JOBS
from tests.factories import make_article, make_comment, make_member, make_staff, make_tag

pytestmark = pytest.mark.django_db

INDEX = "admin:index"
PENDING = "Comments awaiting moderation"
REPORTS = "New reader reports"
SOURCE = "Source alerts: originals changed, corrected or gone"
SIGN_OFF = "Do-not-identify matches awaiting sign-off"
DUE = "Stories going public in the next 24 hours"
EMBARGO = "Stories under embargo"
MENTIONS = "Articles with open notes mentioning you"
LICENCES = "Image licences ending soon"
FAILED = "Failed background tasks"
UNDELIVERED = "Failed webhook deliveries"


def failed_task(status="FAILED"):
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="articles.tasks.purge_edge",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="urllib.error.HTTPError" if status == "FAILED" else "",
        traceback="HTTP Error 503" if status == "FAILED" else "",
    )


class Desk:
    """One newsroom with rows that need someone and rows that do not, named by what each
    desk item should find (`expected`: label -> the pks of the rows it counts)."""

    def __init__(self):
        now = timezone.now()
        self.users = {
            "writer": make_member("wendy", "Writers"),
            "moderator": make_member("mo", "Moderators"),
            "editor": make_member("eddie", "Editors"),
            "superuser": make_staff("root"),
        }
        writer = self.users["writer"]
        live = make_article(
            headline="Harbour wall report", body="The harbour master, Ann Lee, spoke."
        )
        pending = [make_comment(live, status=Comment.Status.PENDING) for _ in range(2)]
        make_comment(live)  # approved: nothing to do
        make_comment(live, status=Comment.Status.SPAM)
        new_report = ProblemReport.objects.create(article=live, message="The date is wrong.")
        ProblemReport.objects.create(
            article=live, message="Typo.", status=ProblemReport.Status.DECLINED
        )
        # Source alerts: one waiting for an editor, one resolved.
        open_alert = self.alert(live)
        self.alert(live, resolved_at=now)
        # Register entries: one shown and unsigned (waiting), one shown and signed off,
        # one not shown anywhere (nothing to sign).
        editor = self.users["editor"]
        shown = self.entry(live, "Ann Lee")
        safeguarding_actions.save_entry(editor, shown)
        signed_article = make_article(headline="Signed", body="Bo Chan was named in court.")
        signed = self.entry(signed_article, "Bo Chan")
        safeguarding_actions.save_entry(editor, signed)
        safeguarding_actions.sign_off(editor, signed, "Named in open court; no order.")
        safeguarding_actions.save_entry(editor, self.entry(live, "Cy Dunn"))
        # Scheduled: one in 3 hours (the writer's), one in 3 days; embargoes on a draft (the
        # writer's), a scheduled piece, and a published one (over: not counted).
        soon = make_article(
            headline="Soon", published_at=now + timedelta(hours=3), created_by=writer
        )
        make_article(headline="Later", published_at=now + timedelta(days=3))
        embargoed_draft = make_article(
            headline="Embargoed draft", status=Article.Status.DRAFT, published_at=None,
            embargo_note="Not before 00:01 Tuesday.", created_by=writer,
        )  # fmt: skip
        embargoed_scheduled = make_article(
            headline="Embargoed scheduled", published_at=now + timedelta(days=2),
            embargo_note="Not before Thursday.",
        )  # fmt: skip
        make_article(headline="Embargo over", embargo_note="Was embargoed until Monday.")
        make_article(headline="Writer's plain draft", status=Article.Status.DRAFT,
                     published_at=None, created_by=writer)  # fmt: skip
        # Notes: open ones mentioning the writer and the editor on the writer's piece, one
        # mentioning the superuser; a resolved one; one the writer may not see (not reached).
        mentioning = note_actions.add(editor, soon, "@wendy @eddie: check the time.")
        note_actions.reply(writer, mentioning, "Done, @eddie.")
        note_actions.add(editor, embargoed_scheduled, "@root: the embargo?")
        resolved = note_actions.add(editor, live, "@root @eddie: old.")
        note_actions.resolve(editor, resolved)
        note_actions.add(editor, live, "@wendy: not yours to see.")
        # Image licences: one ending within the warning period, one later, one ended.
        ending = ImageRights.objects.create(
            source="hero/a.jpg", license_ends_at=now + timedelta(days=3)
        )
        ImageRights.objects.create(source="hero/b.jpg", license_ends_at=now + timedelta(days=60))
        ImageRights.objects.create(source="hero/c.jpg", license_ends_at=now - timedelta(days=1))
        failed = failed_task()
        failed_task("SUCCESSFUL")
        partner = WebhookEndpoint.objects.create(name="Partner", email="p@example.net")
        undelivered, _ = (
            WebhookDelivery.objects.create(
                endpoint=partner, event="article.corrected", message_id=f"msg_{status}",
                payload={}, status=status, article=live,
            )
            for status in ("failed", "delivered")
        )  # fmt: skip
        self.expected = {
            PENDING: {c.pk for c in pending},
            REPORTS: {new_report.pk},
            SOURCE: {open_alert.pk},
            SIGN_OFF: {shown.pk},
            DUE: {soon.pk},
            EMBARGO: {embargoed_draft.pk, embargoed_scheduled.pk},
            MENTIONS: {embargoed_scheduled.pk},  # the superuser's
            LICENCES: {ending.pk},
            FAILED: {failed.pk},
            UNDELIVERED: {undelivered.pk},
        }
        self.writers_own = {DUE: {soon.pk}, EMBARGO: {embargoed_draft.pk}, MENTIONS: {soon.pk}}
        self.editors_mentions = {soon.pk}

    @staticmethod
    def alert(article, **fields):
        return SourceAlert.objects.create(
            article=article, kind=SourceAlert.Kind.CHANGED, detail="The text changed.", **fields
        )

    @staticmethod
    def entry(article, term):
        return DoNotIdentify(article=article, term=term, reason=DoNotIdentify.Reason.ANONYMITY)

    def client(self, role):
        client = Client()
        client.force_login(self.users[role])
        return client


@pytest.fixture
def desk():
    return Desk()


def desk_of(response):
    assert response.status_code == 200
    return {item["label"]: item for item in response.context["desk"]}


def listed(client, url):
    """The pks a changelist shows at `url` (one page holds them all here)."""
    response = client.get(url)
    assert response.status_code == 200, url
    changelist = response.context["cl"]
    return {obj.pk for obj in changelist.result_list}


def test_each_count_is_its_rows_and_its_link_lists_exactly_them(desk):
    client = desk.client("superuser")
    items = desk_of(client.get(reverse(INDEX)))
    assert list(items) == [
        PENDING, REPORTS, SOURCE, SIGN_OFF, DUE, EMBARGO, MENTIONS, LICENCES, FAILED,
        UNDELIVERED,
    ]  # fmt: skip
    for label, pks in desk.expected.items():
        assert items[label]["count"] == len(pks), label
        assert listed(client, items[label]["url"]) == pks, label


def test_each_role_sees_only_the_items_its_admin_pages_open(desk):
    rows = {
        "moderator": {PENDING: desk.expected[PENDING]},
        "writer": desk.writers_own,
        "editor": desk.expected | {MENTIONS: desk.editors_mentions},
        "superuser": desk.expected,
    }
    for role, expected in rows.items():
        client = desk.client(role)
        items = desk_of(client.get(reverse(INDEX)))
        counts = {label: len(pks) for label, pks in expected.items()}
        assert {label: item["count"] for label, item in items.items()} == counts, role
        for label, item in items.items():
            assert listed(client, item["url"]) == expected[label], (role, label)


def test_the_page_shows_each_item_as_a_link_and_a_zero_calmly(desk):
    Comment.objects.filter(status=Comment.Status.PENDING).delete()
    html = desk.client("editor").get(reverse(INDEX)).content.decode()
    comments = reverse("admin:articles_comment_changelist") + "?status=pending"
    assert (
        f'<li class="desk-item">\n            <a href="{comments}"><span class="desk-count">0'
        f'</span> <span class="desk-label">{PENDING}</span></a>'
    ) in html
    reports = reverse("admin:articles_problemreport_changelist") + "?status__exact=new"
    assert f'<li class="desk-item desk-item-waiting">\n            <a href="{reports}">' in html
    assert 'style="' not in html.split('id="content-main"')[1]


def test_the_desk_costs_the_same_queries_however_many_rows_wait(desk, django_assert_num_queries):
    client = desk.client("editor")
    url = reverse(INDEX)
    client.get(url)  # the site settings are cached from here on, as in production
    with django_assert_num_queries(QUERIES):
        client.get(url)
    live = Article.objects.get(headline="Harbour wall report")
    editor = desk.users["editor"]
    for n in range(3):
        article = make_article(headline=f"More {n}", body=f"Dee Evans {n} spoke.")
        make_comment(article, status=Comment.Status.PENDING)
        safeguarding_actions.save_entry(editor, desk.entry(article, "Dee Evans"))
        ProblemReport.objects.create(article=live, message=f"Report {n}.")
        desk.alert(article)
        make_article(headline=f"Soon {n}", published_at=timezone.now() + timedelta(hours=n + 1))
        note_actions.add(desk.users["superuser"], article, f"@eddie: {n}?")
        failed_task()
        ImageRights.objects.create(
            source=f"hero/{n}.jpg", license_ends_at=timezone.now() + timedelta(days=n + 1)
        )
    items = desk_of(client.get(url))
    assert items[PENDING]["count"] == 5 and items[SIGN_OFF]["count"] == 4
    assert items[SOURCE]["count"] == 4
    assert items[MENTIONS]["count"] == 4
    assert items[LICENCES]["count"] == 4
    with django_assert_num_queries(QUERIES):
        client.get(url)


# Session, user, the authenticator that verified the session (django-otp) and the user's
# permissions (5); one count per desk item (7); the
# do-not-identify scan (7: the articles with unsigned entries, their tags, callouts,
# corrections, approved comments and unsigned entries, the site-wide callouts); "may add
# site settings?" for the index's app list and the sidebar's (2); "recent actions" (1).
QUERIES = 25


def test_the_desks_scan_of_many_articles_finds_what_each_articles_scan_finds(desk):
    """The desk fetches the scanned text for all articles at once; it must find what the
    article page's own scan finds, in every text source, and nothing a reader cannot see."""
    editor = desk.users["editor"]
    Callout.objects.create(text="Call Fay Green about the fund.", site_wide=True)
    places = {
        "approved comment": make_article(headline="A"),
        "pending comment": make_article(headline="B"),
        "site-wide callout": make_article(headline="C"),
        "tag": make_article(headline="D", tags=[make_tag(name="Gil Hart")]),
        "nowhere": make_article(headline="E"),
    }
    make_comment(places["approved comment"], body="I know Eve Ito.")
    make_comment(places["pending comment"], body="Hal Iqbal did it.", status="pending")
    terms = {
        "approved comment": "Eve Ito",
        "pending comment": "Hal Iqbal",
        "site-wide callout": "Fay Green",
        "tag": "Gil Hart",
        "nowhere": "Ida Jones",
    }
    entries = {}
    for place, article in places.items():
        entries[place] = desk.entry(article, terms[place])
        safeguarding_actions.save_entry(editor, entries[place])
    one_by_one = {
        place for place, entry in entries.items() if identification.scan(entry.article, [entry])
    }
    assert one_by_one == {"approved comment", "site-wide callout", "tag"}
    waiting = set(identification.awaiting_sign_off(DoNotIdentify.objects.all()))
    assert {place for place, entry in entries.items() if entry.pk in waiting} == one_by_one


def test_every_registered_model_is_in_exactly_one_job_group(desk):
    response = desk.client("superuser").get(reverse(INDEX))
    groups = response.context["app_list"]
    assert [group["name"] for group in groups] == list(JOBS)  # no "Other"
    shown = [entry["model"]._meta.label_lower for group in groups for entry in group["models"]]
    registered = [m._meta.label_lower for m in apps.get_models() if admin.site.is_registered(m)]
    assert sorted(shown) == sorted(registered)
    assert len(shown) == len(set(shown))


def test_the_admin_carries_the_publication_name(desk):
    settings_row = SiteSettings.load()
    settings_row.publication_name = "The Harbour Gazette"
    settings_row.save()
    client = desk.client("editor")
    html = client.get(reverse(INDEX)).content.decode()
    assert "<title>Editor&#x27;s desk | The Harbour Gazette newsroom</title>" in html
    assert f'<a href="{reverse(INDEX)}">The Harbour Gazette newsroom</a>' in html
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "The Harbour Gazette newsroom" in changelist
