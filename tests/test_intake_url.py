"""Republish from a URL, end to end through the admin against a real HTTP server on
127.0.0.1 serving the corpus pages (../shared/intake/pages/) byte for byte."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Republication, SourceSnapshot
from tests.factories import make_member
from tests.intake_server import CORPUS

pytestmark = pytest.mark.django_db
REPUBLISH = reverse("admin:articles_article_republish")

# What each page states (checked against its markup), field by field; "" = not stated.
PAGES = {
    "reuters.com.parasite.html": {
        "headline": "'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
        "publisher": "Reuters",
        "original_byline": "Jill Serjeant",
        "original_url": "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH",
        "original_published_at": datetime(2020, 1, 19, 12, 25, 36, tzinfo=UTC),
        "licence": ("other", ""),
    },
    "theverge.com.ios13.html": {
        "headline": "iOS 13 will fix the FaceTime eye contact problem",
        "publisher": "The Verge",
        "original_byline": "Jon Porter",
        "original_url": "https://www.theverge.com/2019/7/3/20680681/ios-13-beta-3-facetime-attention-correction-eye-contact",
        "original_published_at": datetime(2019, 7, 3, 8, 22, 7, tzinfo=UTC),
        "licence": ("other", ""),
    },
    "creativecommons.org.html": {
        "headline": "What we do - Creative Commons",
        "publisher": "Creative Commons",
        "original_byline": "",
        "original_url": "https://creativecommons.org/about/",
        "licence": ("cc-by", ""),
    },
    "dw.com.colonial.html": {
        "publisher": "DW.COM",
        "original_byline": "Deutsche Welle (www.dw.com)",
        "original_url": "https://www.dw.com/en/berlin-confronts-germanys-colonial-past-with-new-initiative/a-52060881",
        "original_updated_at": None,
        "licence": ("other", ""),
    },
    "correctiv.org.zusage.html": {
        "original_byline": "Marcus Bensmann, Justus von Daniels, Ulrich Stoll",
        "original_published_at": datetime(2019, 5, 14, 12, 34, 8, tzinfo=UTC),
        "original_updated_at": datetime(2019, 5, 16, 9, 14, 50, tzinfo=UTC),
    },
    "phys.org.tool.html": {"publisher": "Phys.org", "original_byline": "Bob Yirka"},
    "salon.com.emissions.html": {"original_byline": "Nathanael Johnson"},
    "scmp.com.playbook.html": {"publisher": "South China Morning Post"},
    "mercurynews.com.2023.01.16.letters-1119.html": {"publisher": "The Mercury News"},
}


@pytest.fixture
def editor_client(client):
    client.force_login(make_member("editor", "Editors"))
    return client


def republish(client, url, **extra):
    return client.post(REPUBLISH, {"source": "url", "url": url, **extra})


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_corpus_page_becomes_a_draft_with_what_the_page_states(
    editor_client, intake_server, name
):
    response = republish(editor_client, intake_server.page(name))
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == Article.Status.DRAFT
    assert article.work_type == Article.WorkType.REPUBLISHED
    record = article.republication
    for field, expected in PAGES[name].items():
        if field == "headline":
            assert article.headline == expected
        elif field == "licence":
            assert (record.licence, record.permission_reference) == expected
        else:
            assert getattr(record, field) == expected, field
    snapshot = article.source_snapshots.get()
    raw = (CORPUS / "pages" / name).read_bytes()
    assert snapshot.sha256 == hashlib.sha256(raw).hexdigest()
    assert "<script" not in article.body_html and len(article.body) > 100


def test_the_review_page_shows_what_was_found_and_what_was_not(editor_client, intake_server):
    response = republish(editor_client, intake_server.page("reuters.com.parasite.html"))
    page = editor_client.get(response["Location"]).content.decode()
    assert "What the source states" in page
    assert "Jill Serjeant" in page and "Reuters" in page
    # The page states no licence, image credit or GUID: shown as such, never guessed.
    for field in ("Licence", "Image credit", "Source identifier"):
        assert f"<dt>{field}</dt><dd>Not stated</dd>" in page
    assert "<dt>Byline</dt><dd>Jill Serjeant</dd>" in page
    assert SourceSnapshot.objects.get().sha256 in page


def test_a_licence_link_is_read_as_the_licence(editor_client, intake_server):
    republish(editor_client, intake_server.page("creativecommons.org.html"))
    record = Republication.objects.get()
    assert record.licence == Republication.Licence.CC_BY
    assert record.allowed_edits == Republication.Edits.ANY


def test_a_reimport_updates_the_draft_instead_of_duplicating(editor_client, intake_server):
    url = intake_server.page("theverge.com.ios13.html")
    republish(editor_client, url)
    first = Article.objects.get()
    # The same story again, from another address (same canonical URL, changed bytes).
    changed = (
        (CORPUS / "pages" / "theverge.com.ios13.html")
        .read_bytes()
        .replace(b"</body>", b"<!-- a changed page --></body>")
    )
    response = republish(editor_client, intake_server.add("/moved", changed))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.pk == first.pk and article.version == first.version + 1
    assert article.source_snapshots.count() == 2
    assert Republication.objects.count() == 1


def test_a_reimport_never_changes_a_published_article(editor_client, intake_server):
    url = intake_server.page("phys.org.tool.html")
    republish(editor_client, url)
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now(), body="Ours."
    )
    response = republish(editor_client, url)
    assert response.status_code == 200
    assert "which is published: a re-import never changes a published article" in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert article.body == "Ours." and article.version == 1
    assert SourceSnapshot.objects.count() == 1


def test_a_page_without_a_publisher_needs_the_editor_to_name_one(editor_client, intake_server):
    page = b"""<html><head><title>A story</title></head><body><article><h1>A story</h1>
    <p>The first paragraph, which is the standfirst.</p><p>%s</p></article></body></html>""" % (
        b"Plenty of words in a paragraph. " * 20
    )
    url = intake_server.add("/anonymous", page)
    response = republish(editor_client, url)
    assert "does not say who published it" in response.content.decode()
    assert not Article.objects.exists()
    republish(editor_client, url, publisher="The Local Paper")
    record = Republication.objects.get()
    assert record.article.standfirst == "The first paragraph, which is the standfirst."
    assert record.publisher == "The Local Paper"
    assert record.original_url == url  # the page names no canonical URL: where we got it
    assert record.original_byline == "" and record.original_published_at is None


def test_writers_may_not_republish(client, intake_server):
    client.force_login(make_member("writer", "Writers"))
    assert client.get(REPUBLISH).status_code == 403
    assert republish(client, intake_server.page("phys.org.tool.html")).status_code == 403
    assert not Article.objects.exists() and intake_server.hits == []
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Republish an article" not in changelist


def test_editors_find_it_on_the_articles_list(editor_client):
    changelist = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'href="{REPUBLISH}"' in changelist
    assert editor_client.get(REPUBLISH).status_code == 200


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(REPUBLISH)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_post_without_the_csrf_token_is_refused(intake_server):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_member("editor", "Editors"))
    response = republish(client, intake_server.page("phys.org.tool.html"))
    assert response.status_code == 403
    assert not Article.objects.exists() and intake_server.hits == []
