"""Republishing out: a copyable snippet with attribution and absolute URLs, only when licensed."""

import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Republication
from tests.factories import edit, import_published, make_article, make_author, make_tag

pytestmark = pytest.mark.django_db


def snippet_on(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    match = re.search(r'<textarea id="republish-code"[^>]*>(.*?)</textarea>', page, re.S)
    return page, (html.unescape(match[1]) if match else None)


def test_snippet_has_attribution_canonical_link_and_absolute_urls(client, settings):
    settings.SITE_URL = "https://news.example.org"
    article = make_article(
        headline="Rents rise <fast>",
        body=(
            "See [the data](/section/housing/) and [the council](https://council.example/x).\n\n"
            "![A chart](/media/inline/chart.png)\n\n[Write to us](mailto:desk@example.org)"
        ),
        republish_licence=Article.RepublishLicence.CC_BY_ND,
        authors=[make_author(name="Ann Writer")],
    )
    page, snippet = snippet_on(client, article)
    assert "Republish this article" in page
    assert "<fast>" not in page  # the snippet is shown escaped, never as markup
    canonical = f"https://news.example.org{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in snippet
    assert "<h1>Rents rise &lt;fast&gt;</h1>" in snippet
    assert "<p>By Ann Writer</p>" in snippet
    assert 'href="https://news.example.org/section/housing/"' in snippet
    assert 'href="https://council.example/x"' in snippet
    assert 'src="https://news.example.org/media/inline/chart.png"' in snippet
    assert 'href="mailto:desk@example.org"' in snippet
    assert not re.search(r'(href|src)="/', snippet)
    assert (
        f'This article was originally published by <a href="{canonical}">Standfirst</a>. '
        "It is republished under Creative Commons Attribution-NoDerivatives 4.0"
    ) in snippet


def test_republished_pieces_do_not_offer_it_unless_licensed(client, seed_path):
    import_published(str(seed_path), "--publish", stdout=io.StringIO())
    seed = Article.objects.get()
    page, snippet = snippet_on(client, seed)
    assert snippet is None and "Republish this article" not in page
    plain = make_article()
    assert snippet_on(client, plain)[1] is None

    edit(seed, republish_licence=Article.RepublishLicence.CC_BY)
    _, snippet = snippet_on(client, seed)
    assert "This article was first published by Community Care and republished by" in snippet


def test_the_snippet_reads_the_one_attribution_record(client):
    """An article whose source is only in its republication record never offers a snippet
    saying it was originally ours."""
    article = make_article(republish_licence=Article.RepublishLicence.CC_BY)
    Republication.objects.create(
        article=article, publisher="Partner Weekly", original_url="https://partner.example/a"
    )
    page, snippet = snippet_on(client, article)
    assert "originally published by" not in snippet
    assert (
        'first published by <a href="https://partner.example/a">Partner Weekly</a> and '
        "republished by"
    ) in snippet
    assert "Original: https://partner.example/a" in page  # the print view's line


def test_hero_and_republish_panel_cost_no_extra_query(client, django_assert_num_queries):
    tags, authors = [make_tag(), make_tag()], [make_author(), make_author()]
    plain = make_article(tags=tags, authors=authors)
    full = make_article(
        tags=tags,
        authors=authors,
        republish_licence=Article.RepublishLicence.CC_BY,
        hero_image="hero/x.jpg",
        hero_alt="A quay",
        hero_credit="Jane Doe",
        hero_renditions=[
            {"name": f"hero/x-{w}w.{ext}", "format": fmt, "width": w, "height": w // 2}
            for w in (480, 800)
            for ext, fmt in (("jpg", "jpeg"), ("webp", "webp"))
        ],
    )
    client.get(plain.get_absolute_url())  # warm the site settings row
    with CaptureQueriesContext(connection) as baseline:
        client.get(plain.get_absolute_url())
    with django_assert_num_queries(len(baseline.captured_queries)):
        html = client.get(full.get_absolute_url()).content.decode()
    assert "Republish this article" in html and 'srcset="/media/hero/x-480w.jpg 480w' in html
