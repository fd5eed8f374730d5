"""Reader polish: a republished copy's dateline, curly quotes in headlines, plain wording,
the report form built like the comment form, the print view's source line at the top."""

import re
from datetime import UTC, datetime

import pytest

from articles.actions import republication as republication_actions
from articles.models import Republication
from tests.factories import SYSTEM, make_article, make_tag

pytestmark = pytest.mark.django_db


def _header(html):
    return re.search(r'<header class="article-header">(.*?)</header>', html, re.S).group(1)


def test_a_republished_copy_dates_the_original_in_its_dateline(client):
    article = make_article()
    republication_actions.record(
        SYSTEM,
        Republication(
            article=article,
            publisher="Partner News",
            original_url="https://partner.example.org/a/",
            original_published_at=datetime(2025, 3, 9, 12, tzinfo=UTC),
        ),
    )
    dateline = re.search(
        r'<p class="meta">(.*?)</p>', client.get(article.get_absolute_url()).content.decode(), re.S
    ).group(1)
    assert re.search(
        r'First published <time datetime="2025-03-09T12:00:00\+00:00">9 March 2025</time>; '
        r"republished</span> <time",
        dateline,
    ), dateline
    own = client.get(make_article().get_absolute_url()).content.decode()
    assert "First published" not in own


def test_headlines_get_curly_quotes_as_bodies_do(client):
    article = make_article(headline="""Council's "unlawful" cuts""", body='She said "no".')
    expected = "Council\u2019s \u201cunlawful\u201d cuts"
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"<h1>{expected}</h1>" in html
    assert "&ldquo;no&rdquo;" in html or "\u201cno\u201d" in html  # the body, by smarty
    assert f"<title>{expected} · " in html
    assert f'"headline": "{expected}"' in html
    assert expected in client.get("/").content.decode()
    assert f"<title>{expected}</title>" in client.get("/feed/").content.decode()


def test_plain_wording_for_tags_and_comment_links(client):
    tag = make_tag(name="Fostering", slug="fostering")
    article = make_article(tags=[tag], comments_closed=False)
    html = client.get(tag.get_absolute_url()).content.decode()
    assert "<h1>Stories about Fostering</h1>" in html and "Tagged" not in html
    html = client.get(article.get_absolute_url()).content.decode()
    assert "(plain text; web addresses become links)" in html and "not followed" not in html


def test_the_report_form_is_built_like_the_comment_form(client):
    html = client.get(make_article().get_absolute_url()).content.decode()
    form = re.search(r'<details class="report-problem".*?</details>', html, re.S).group(0)
    assert '<form class="comment-form report-form"' in form
    assert form.count('<div class="field">') == 3
    assert "cols=" not in form  # a fixed width made phone pages scroll sideways


def test_the_print_view_shows_the_source_line_at_the_top(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p class="print-only print-source">' in _header(html)
    assert html.index("print-source") < html.index('class="article-body"')
