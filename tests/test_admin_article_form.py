"""The article form as editors use it: two columns, the kicker checked against the work type,
the corrections log and the do-not-identify register on the article itself (through the
same actions as their own pages), "Redact a name" from the article, and a labelled preview."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import (
    Article,
    AuditEntry,
    Correction,
    DoNotIdentify,
    IdentificationSignOff,
)
from tests.admin_forms import form_data
from tests.factories import make_article, make_member, make_staff

pytestmark = pytest.mark.django_db


class _Columns(HTMLParser):
    """The headings of the fieldsets in each of the form's two columns."""

    def __init__(self):
        super().__init__()
        self.stack, self.column, self.heading = [], None, False
        self.found = {"article-writing": [], "article-side": []}

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class", "") or ""
        if tag == "div":
            names = [c for c in classes.split() if c in self.found]
            self.stack.append(names[0] if names else None)
            if names:
                self.column = names[0]
        self.heading = tag == "h2" and "fieldset-heading" in classes

    def handle_endtag(self, tag):
        if tag == "div" and self.stack and self.stack.pop() is not None:
            self.column = next((c for c in reversed(self.stack) if c), None)
        if tag == "h2":
            self.heading = False

    def handle_data(self, data):
        if self.heading and self.column and data.strip():
            self.found[self.column].append(data.strip())


def change_page(client, article):
    return client.get(reverse("admin:articles_article_change", args=[article.pk]))


def post_change(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, form_data(client.get(url), **changes))


@pytest.fixture
def editor(client):
    user = make_member("eddie", "Editors")
    client.force_login(user)
    return user


def test_writing_on_the_left_publishing_filing_and_trust_on_the_right(client, editor):
    columns = _Columns()
    columns.feed(change_page(client, make_article()).content.decode())
    assert columns.found["article-writing"] == ["Hero image"]
    assert columns.found["article-side"] == [
        "Publishing",
        "Filing",
        "Comments",
        "Sensitive story",
        "Identification safeguards",
        "Fidelity to the source",
        "Republishing by others",
        "Search engines",
        "Notes",
    ]


@pytest.mark.parametrize(
    ("kicker", "work_type", "named"),
    [
        ("Opinion", "news", ["Opinion"]),
        ("Comment: a care system at breaking point", "analysis", ["Comment"]),
        ("News analysis", "analysis", []),
        ("Exclusive", "opinion", []),
        ("", "comment", []),
    ],
)
def test_the_kicker_contradicts_the_work_type_only_when_it_names_another(kicker, work_type, named):
    article = Article(kicker=kicker, work_type=work_type)
    assert [t.label for t in article.kicker_contradiction()] == named


def test_a_kicker_naming_another_work_type_warns_on_the_page_and_on_save(client, editor):
    article = make_article(kicker="Opinion", work_type=Article.WorkType.NEWS)
    html = change_page(client, article).content.decode()
    assert "Kicker and work type disagree" in html
    assert "says Opinion, but the work type is News. Readers see both" in html

    response = post_change(client, article, headline="Still an opinion", _continue="1")
    assert response.status_code == 302
    after = client.get(response.url).content.decode()
    assert "messagelist" in after and after.count("Readers see both") == 2  # message + banner

    article.refresh_from_db()
    post_change(client, article, work_type="opinion")
    assert "Kicker and work type disagree" not in change_page(client, article).content.decode()


def test_a_correction_added_on_the_article_is_published_through_the_action(client, editor):
    article = make_article()
    response = post_change(
        client,
        article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "An earlier version gave the wrong year for the review.",
            "corrections-0-published_at_0": "2026-12-01",
            "corrections-0-published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    correction = Correction.objects.get(article=article)
    assert correction.text == "An earlier version gave the wrong year for the review."
    actions = AuditEntry.objects.filter(article=article).values_list("action", flat=True)
    assert AuditEntry.Action.CORRECTED in actions
    reader_page = client.get(article.get_absolute_url()).content.decode()
    assert "gave the wrong year" in reader_page

    response = post_change(client, article, **{"corrections-0-DELETE": "on"})
    assert response.status_code == 302
    assert not Correction.objects.filter(article=article).exists()
    actions = AuditEntry.objects.filter(article=article).values_list("action", flat=True)
    assert AuditEntry.Action.CORRECTION_REMOVED in actions


def test_a_correction_naming_a_protected_child_is_refused_and_nothing_is_saved(client, editor):
    article = make_article(headline="Review finds missed chances")
    DoNotIdentify.objects.create(article=article, term="Jamie Brookes", reason="restriction")
    response = post_change(
        client,
        article,
        headline="Review finds missed chances, says chair",
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "Jamie Brookes was seven, not eight.",
            "corrections-0-published_at_0": "2026-12-01",
            "corrections-0-published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "do-not-identify" in response.content.decode().lower()
    assert not Correction.objects.filter(article=article).exists()
    article.refresh_from_db()
    assert article.headline == "Review finds missed chances"  # the article save rolled back


def test_the_register_is_on_the_article_for_those_who_may_read_it(client, editor):
    article = make_article()
    DoNotIdentify.objects.create(article=article, term="Jamie Brookes", reason="restriction")
    html = change_page(client, article).content.decode()
    assert 'value="Jamie Brookes"' in html
    entry = DoNotIdentify.objects.get()
    assert reverse("admin:articles_donotidentify_change", args=[entry.pk]) in html

    writer = make_member("wendy", "Writers")
    mine = make_article(status=Article.Status.DRAFT, published_at=None, created_by=writer)
    DoNotIdentify.objects.create(article=mine, term="Sam Ellis", reason="restriction")
    client.force_login(writer)
    html = change_page(client, mine).content.decode()
    assert "Sam Ellis" not in html
    assert "1 passage(s)" not in html  # the draft does not name him: nothing to count


def test_a_register_entry_added_on_the_article_is_audited_without_its_term(client, editor):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    response = post_change(
        client,
        article,
        **{
            "do_not_identify-TOTAL_FORMS": "1",
            "do_not_identify-0-term": "Jamie Brookes",
            "do_not_identify-0-kind": "name",
            "do_not_identify-0-reason": "restriction",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DoNotIdentify.objects.get(article=article).term == "Jamie Brookes"
    entry = AuditEntry.objects.get(article=article, action=AuditEntry.Action.REGISTER_CHANGED)
    assert "Jamie" not in str(entry.detail)


def test_redact_from_the_article_starts_from_its_register(client, editor):
    article = make_article(body="Jamie Brookes was known to services.")
    DoNotIdentify.objects.create(article=article, term="Jamie Brookes", reason="restriction")
    html = change_page(client, article).content.decode()
    url = reverse("admin:articles_article_redact", args=[article.pk])
    assert url in html
    page = client.get(url).content.decode()
    assert re.search(r"<textarea[^>]*>\s*Jamie Brookes</textarea>", page)
    assert f'value="{article.pk}"' in page
    assert 'action="' + reverse("admin:articles_article_changelist") + '"' in page

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "redact_name",
            "_selected_action": [article.pk],
            "apply": "1",
            "names": "Jamie Brookes",
            "replacement": "[name removed]",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert "Jamie" not in article.body and "[name removed]" in article.body


def test_only_those_who_may_redact_get_the_redaction_page(client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    writer = make_member("wendy", "Writers")
    article.created_by = writer
    article.save()
    client.force_login(writer)
    assert "Redact a name" not in change_page(client, article).content.decode()
    assert (
        client.get(reverse("admin:articles_article_redact", args=[article.pk])).status_code == 403
    )


def test_the_live_preview_is_labelled_and_set_in_the_readers_type(client):
    client.force_login(make_staff())
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'id="id_body_preview_label">Preview: how readers will see it<' in html
    assert re.search(
        r'class="markdownx-preview article-body article-preview" role="region" '
        r'aria-labelledby="id_body_preview_label"',
        html,
    )
    assert "/static/css/article-text.css" in html


def test_a_preview_link_has_a_copy_button_for_its_field(client, editor):
    article = make_article()
    post_change(
        client,
        article,
        **{"preview_links-TOTAL_FORMS": "1", "preview_links-0-note": "For the lawyer"},
    )
    html = change_page(client, article).content.decode()
    field = re.search(r'<input type="text" readonly value="[^"]+" id="(preview-link-\d+)"', html)
    assert field, "no preview link field"
    assert f'data-copy="{field.group(1)}"' in html
    assert "/static/js/copy-link.js" in html


def test_the_register_inline_costs_the_same_for_one_entry_or_many(client, editor):
    """Each entry's sign-off link comes from one prefetch, not a query per entry."""
    counts = []
    for terms in (["Jamie Brookes"], ["Jamie Brookes", "Sam Ellis", "Dee Evans", "Ann Lee"]):
        article = make_article()
        for term in terms:
            entry = DoNotIdentify.objects.create(article=article, term=term, reason="restriction")
            IdentificationSignOff.objects.create(entry=entry, reason="Lawful.", signed_by=editor)
        change_page(client, article)  # the session's and the site's first reads
        with CaptureQueriesContext(connection) as queries:
            html = change_page(client, article).content.decode()
        assert html.count("Signed off by eddie") == len(terms)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
