"""Search: /search/?q= finds published articles by headline, standfirst, body and tags."""

import re

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from tests.factories import edit, make_article, make_tag

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text ranking and snippets are PostgreSQL's"
)


def _results(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_finds_a_word_that_appears_only_in_the_body(client):
    make_article(headline="Council budget", standfirst="Numbers.", body="A quokka was seen.")
    make_article(headline="Other news", standfirst="Nothing.", body="Nothing here.")
    html = _results(client, "quokka")
    assert "Council budget" in html and "Other news" not in html
    assert html.count('class="card"') == 1


def test_finds_by_headline_standfirst_and_tag(client):
    tag = make_tag(name="Safeguarding", slug="safeguarding")
    make_article(headline="Ombudsman report", body="x")
    make_article(headline="Second", standfirst="The ombudsman said more.", body="x")
    make_article(headline="Tagged piece", body="x", tags=[tag])
    html = _results(client, "ombudsman")
    assert "Ombudsman report" in html and "Second" in html and "Tagged piece" not in html
    assert "Tagged piece" in _results(client, "safeguarding")


def test_tag_added_later_is_searchable(client):
    article = make_article(headline="Late tagged", body="x")
    assert "Late tagged" not in _results(client, "wombat")
    tag = make_tag(name="Wombat", slug="wombat")
    edit(article, relations=lambda a: a.tags.add(tag))
    assert "Late tagged" in _results(client, "wombat")
    edit(article, relations=lambda a: a.tags.clear())
    assert "Late tagged" not in _results(client, "wombat")


def test_finds_only_published(client):
    make_article(headline="Secret draft", body="platypus", status=Article.Status.DRAFT)
    assert "Secret draft" not in _results(client, "platypus")


def test_empty_query_shows_the_form(client):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get("/search/", params)
        html = response.content.decode()
        assert response.status_code == 200
        assert '<form class="search-form" role="search"' in html
        assert '<label for="search-page-q">Search articles</label>' in html
        assert "result" not in html.split("<main", 1)[1]


@pytest.mark.parametrize(
    "query",
    [
        "a" * 1000,
        "x " * 500,
        "\"unbalanced quote -- OR ( ) :* ! & | <script>alert(1)</script> '; DROP TABLE",
        "\x00\x01\x1f nul bytes",
        "emoji 🦔 and ünïcødé",
        "-",
        '"',
        "!!!",
    ],
)
def test_odd_queries_answer_normally(client, query):
    make_article(headline="Something", body="text")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_pages_are_noindex_and_keep_the_query_in_page_links(client):
    for i in range(25):
        make_article(headline=f"Echidna {i}", body="echidna")
    html = _results(client, "echidna")
    assert '<meta name="robots" content="noindex, follow">' in html
    assert 'href="?q=echidna&amp;page=2"' in html
    assert "Echidna" in client.get("/search/", {"q": "echidna", "page": 2}).content.decode()
    assert client.get("/search/", {"q": "echidna", "page": 9}).status_code == 404


@postgres_only
def test_headline_match_ranks_above_body_match(client):
    make_article(headline="Routine update", body="The narwhal appeared in paragraph five.")
    make_article(headline="Narwhal returns", body="A story.")
    html = _results(client, "narwhal")
    assert html.index("Narwhal returns") < html.index("Routine update")


@postgres_only
def test_websearch_syntax_phrases_and_exclusion(client):
    make_article(headline="One", body="The care review was published.")
    make_article(headline="Two", body="Review of care homes, with court papers.")
    html = _results(client, '"care review"')
    assert ">One<" in html and ">Two<" not in html
    html = _results(client, "review -court")
    assert ">One<" in html and ">Two<" not in html


@postgres_only
def test_snippet_highlights_and_escapes(client):
    make_article(
        headline="Report",
        body="Before <script>alert('x')</script> <b>bold</b> the pangolin was counted: 5 < 6 & 7.",
    )
    html = _results(client, "pangolin")
    snippet = re.search(r'<p class="card-snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>pangolin</mark>" in snippet
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "5 &lt; 6 &amp; 7" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


@postgres_only
def test_search_vector_is_stored_with_a_gin_index():
    article = make_article(headline="Stored vector", body="okapi")
    assert Article.objects.filter(pk=article.pk, search_vector__isnull=False).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search'")
        (indexdef,) = cursor.fetchone()
    assert "USING gin (search_vector)" in indexdef
    edit(article, headline="Renamed", body="aardwolf")
    assert Article.objects.filter(search_vector="aardwolf").get() == article


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=1200))
def test_any_text_query_answers_normally(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
