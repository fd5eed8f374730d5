"""Republished pieces: the record, the attribution line, and what search engines are told."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import CommandError
from django.urls import reverse

from articles.models import Article, Republication, SourceSnapshot
from tests.factories import import_published, make_article

pytestmark = pytest.mark.django_db

ORIGINAL = "https://www.communitycare.co.uk/2013/11/29/hamzah-khan-review/"


def import_seed(seed_path, *args):
    import_published(str(seed_path), "--publish", *args, stdout=io.StringIO())
    return Article.objects.get()


def test_seed_import_fills_the_republication_record(seed_path):
    article = import_seed(
        seed_path, "--source-url", ORIGINAL, "--licence", "CC BY-ND", "--published", "2013-11-29"
    )
    record = article.republication
    assert record.publisher == "Community Care"
    assert record.original_url == ORIGINAL
    assert record.licence == Republication.Licence.CC_BY_ND
    assert record.allowed_edits == Republication.Edits.NONE
    assert record.search_policy == Republication.SearchPolicy.BOTH
    assert record.original_published_at.date().isoformat() == "2013-11-29"
    assert article.work_type == Article.WorkType.REPUBLISHED
    # One record of the source: the article has no copy of its own.
    assert not any(f.name.startswith("source_") for f in Article._meta.concrete_fields)
    assert article.attribution()["publisher"] == "Community Care"


def test_unknown_licence_text_is_kept_as_other_terms(seed_path):
    record = import_seed(seed_path, "--licence", "Syndication deal 2013/44").republication
    assert record.licence == Republication.Licence.OTHER
    assert record.permission_reference == "Syndication deal 2013/44"


def test_bad_original_date_is_refused_and_imports_nothing(seed_path):
    with pytest.raises(CommandError, match="not a date"):
        import_seed(seed_path, "--published", "29/11/2013")
    assert Article.objects.count() == 0 and Republication.objects.count() == 0


def test_reimport_keeps_one_record_and_one_snapshot(seed_path):
    import_seed(seed_path, "--source-url", ORIGINAL)
    import_seed(seed_path, "--licence", "CC BY")
    article = Article.objects.get()
    assert Republication.objects.count() == 1
    assert article.republication.original_url == ORIGINAL
    assert article.republication.licence == Republication.Licence.CC_BY
    assert SourceSnapshot.objects.count() == 1


def test_page_shows_attribution_noindex_and_canonical(client, seed_path):
    article = import_seed(
        seed_path, "--source-url", ORIGINAL, "--licence", "CC BY-ND", "--published", "2013-11-29"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(
        r'This article was first published by <a href="' + re.escape(ORIGINAL) + r'">'
        r"Community Care</a> on <time datetime=\"2013-11-29T00:00:00\+00:00\">29 November 2013"
        r"</time> and is republished under CC BY-ND\.",
        html,
    )
    assert '<meta name="robots" content="noindex">' in html
    assert f'<link rel="canonical" href="{ORIGINAL}">' in html
    assert ">Republished</p>" in html


def test_demo_seed_as_make_run_imports_it_claims_only_what_the_file_says(client, seed_path):
    """`make run` imports the seed with --publish alone: the file names its publisher and
    nothing else, so the page credits Community Care with no invented link, date or licence,
    keeps our copy out of search (noindex) and, with no original URL, is canonical to itself."""
    article = import_seed(seed_path)
    record = article.republication
    assert record.publisher == "Community Care"
    assert (record.original_url, record.original_published_at) == ("", None)
    assert record.licence == Republication.Licence.OTHER and record.permission_reference == ""
    assert record.allowed_edits == Republication.Edits.NONE
    assert record.search_policy == Republication.SearchPolicy.BOTH
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p class="attribution">This article was first published by Community Care.</p>' in html
    own = settings.SITE_URL + article.get_absolute_url()
    assert re.findall(r'<link rel="canonical" href="([^"]*)">', html) == [own]
    assert '<meta name="robots" content="noindex">' in html
    assert "isBasedOn" not in html and "republished under" not in html
    assert not re.search(r'(href|content|src)=""', html)


@pytest.mark.parametrize(
    ("policy", "robots", "canonical_is_original", "indexable"),
    [
        ("both", "noindex", True, False),
        ("noindex", "noindex", False, False),
        ("canonical", "", True, False),
        ("index", "", False, True),
    ],
)
def test_search_policy_drives_robots_canonical_and_sitemaps(
    client, policy, robots, canonical_is_original, indexable
):
    article = make_article(headline="Syndicated piece")
    Republication.objects.create(
        article=article, publisher="Partner", original_url=ORIGINAL, search_policy=policy
    )
    article = Article.objects.get()
    own = settings.SITE_URL + article.get_absolute_url()
    assert article.robots_directive() == robots
    assert article.canonical_url() == (ORIGINAL if canonical_is_original else own)
    assert (article in Article.objects.published().indexable()) is indexable
    html = client.get(article.get_absolute_url()).content.decode()
    assert ('<meta name="robots" content="noindex">' in html) is bool(robots)
    assert f'<link rel="canonical" href="{article.canonical_url()}">' in html


def test_our_own_work_is_indexable_and_canonical_to_itself(client):
    article = make_article()
    assert article.robots_directive() == ""
    assert article.canonical_url() == settings.SITE_URL + article.get_absolute_url()
    assert list(Article.objects.published().indexable()) == [article]
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'name="robots"' not in html and "first published by" not in html


@pytest.mark.parametrize(
    "model",
    [
        "republication",
        "sourcesnapshot",
        "correction",
        "legalhold",
        "helpline",
        "donotidentify",
        "policypage",
        "problemreport",
        "sealedsource",
    ],
)
def test_trust_admins_load(admin_client, seed_path, model):
    import_seed(seed_path)
    assert admin_client.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200


def test_saving_the_record_in_the_admin_records_the_approver(admin_client):
    article = make_article()
    response = admin_client.post(
        reverse("admin:articles_republication_add"),
        {
            "article": article.pk,
            "publisher": "Partner News",
            "original_url": ORIGINAL,
            "licence": "permission",
            "permission_reference": "",
            "allowed_edits": "none",
            "search_policy": "both",
        },
    )
    assert response.status_code == 200
    assert "Say who gave permission" in response.content.decode()
    assert not Republication.objects.exists()
    response = admin_client.post(
        reverse("admin:articles_republication_add"),
        {
            "article": article.pk,
            "publisher": "Partner News",
            "original_url": ORIGINAL,
            "licence": "permission",
            "permission_reference": "Email from the editor, 3 March, filed in Legal/2026",
            "allowed_edits": "none",
            "search_policy": "both",
        },
    )
    assert response.status_code == 302
    record = Republication.objects.get()
    assert record.approved_by.username == "admin" and record.approved_at is not None
