"""Search keeps the promises its page makes, on SQLite and PostgreSQL: "a phrase", -word,
authors' names, and hostile queries answered normally; on PostgreSQL, a misspelt query gets
"did you mean" and the suggestion's results. Run with both DATABASE_URLs."""

import re

import pytest
from django.db import connection

from articles.actions import filing
from articles.models import Article
from tests.factories import edit, make_article, make_author, make_staff, make_tag

pytestmark = pytest.mark.django_db
FULL_TEXT = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not FULL_TEXT, reason="pg_trgm suggestions are PostgreSQL's")


def _page(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def _found(client, query):
    """The headlines of the results, in order."""
    html = _page(client, query)
    return re.findall(r'<h2 class="card-headline"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def care():
    make_article(headline="Alpha", standfirst="A.", body="The care review was published today.")
    make_article(
        headline="Bravo", standfirst="B.", body="A review of care homes, and court papers."
    )
    make_article(headline="Charlie", standfirst="C.", body="Nothing about it; the court sat.")


def test_card_titles_are_what_found_reads(client, care):
    assert sorted(_found(client, "review")) == ["Alpha", "Bravo"]


def test_a_phrase_needs_its_words_together(client, care):
    assert _found(client, '"care review"') == ["Alpha"]
    assert sorted(_found(client, "care review")) == ["Alpha", "Bravo"]


def test_an_unclosed_quote_is_a_phrase_to_the_end(client, care):
    assert _found(client, '"care review') == ["Alpha"]


def test_minus_leaves_a_word_or_a_phrase_out(client, care):
    assert _found(client, "review -court") == ["Alpha"]
    assert _found(client, 'review -"care review"') == ["Bravo"]
    assert _found(client, "court -care") == ["Charlie"]


def test_a_dash_inside_a_word_is_not_a_minus(client):
    make_article(headline="Well-being survey", body="x")
    assert _found(client, "well-being") == ["Well-being survey"]


def test_authors_names_are_searched(client):
    author = make_author(name="Priya Natarajan", slug="priya-natarajan")
    make_article(headline="Written by her", body="x", authors=[author])
    make_article(headline="Someone else", body="x")
    assert _found(client, "Natarajan") == ["Written by her"]
    assert _found(client, "priya -natarajan") == []
    author.name = "Priya Shah"
    filing.save(make_staff("boss"), author)  # the rename reaches the index
    assert _found(client, "shah") == ["Written by her"]
    assert _found(client, "natarajan") == []


def test_tags_are_still_searched(client):
    make_article(headline="Tagged", body="x", tags=[make_tag(name="Safeguarding")])
    assert _found(client, "safeguarding") == ["Tagged"]
    assert _found(client, "tagged -safeguarding") == []


def test_like_wildcards_are_literal(client):
    make_article(headline="Plain words", body="Nothing special.")
    make_article(headline="Half", body="It rose 50% in a year.")
    assert _found(client, "%") == [] and _found(client, "_") == []
    assert _found(client, "50%") == ["Half"]


def test_the_hints_shown_are_the_ones_that_work(client):
    html = _page(client, "")
    assert '<code>"care review" -court</code>' in html
    assert ("A misspelt word gets a suggestion." in html) is FULL_TEXT


HOSTILE = [
    "-" * 33,
    "-" * 33 + "care",
    "care " + "- " * 33,
    "- -" * 20 + " x",
    '"',
    '""""""',
    '"""care',
    '"care review',
    'care" review"',
    '-"',
    "x" * 10_000,
    "care " * 2_000,
    "nul\x00byte",
    "\x00",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    ".*+?^$()[]{}|\\",
    "(((((",
    "a & b | !c <-> d:*",
    "!!!",
    "%_%",
    "Ünïcödé 🦔 日本語 العربية",
    "\u202e\u200b\ufeff",
    "or or or",
    "-or",
    '"-"',
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_normally(client, care, query):
    html = _page(client, query)
    assert "<script>alert(1)</script>" not in html
    assert "<h1>Search" in html


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%00", "%C0%AF", "q=%E2%80"])
def test_bytes_that_are_not_utf8_answer_normally(client, care, raw):
    """A lone surrogate or a broken sequence, as a browser or a bot may send it."""
    assert client.get(f"/search/?q={raw}").status_code == 200


@postgres_only
def test_the_33_dash_query_once_answered_500_on_postgresql(client, care):
    """websearch_to_tsquery nests one NOT per dash and fails past 32."""
    assert _found(client, "-" * 33 + "court") == ["Alpha"]


@postgres_only
def test_a_misspelt_query_suggests_and_shows_the_correct_spelling(client):
    make_article(headline="Council budget approved", body="The councillors voted.")
    make_article(headline="Harbour wall", body="Repairs.")
    html = _page(client, "cuncil budgit")
    suggestion = re.search(r'<p class="search-suggestion">(.*?)</p>', html, re.S).group(1)
    assert suggestion == (
        "Nothing matched “cuncil budgit”. Did you mean "
        '<a href="?q=council%20budget">council budget</a>? Here is what that finds.'
    )
    assert _found(client, "cuncil budgit") == ["Council budget approved"]
    assert _found(client, "council budget") == ["Council budget approved"]
    assert "search-suggestion" not in _page(client, "council budget")


@postgres_only
def test_suggestions_keep_phrases_and_left_out_words(client):
    make_article(headline="Care review published", body="The court sat.")
    make_article(headline="Care home review", body="No hearing.")
    html = _page(client, '"care reviw" -cort')
    assert '<a href="?q=%22care%20review%22%20-cort">&quot;care review&quot; -cort</a>' in html


@postgres_only
def test_nothing_near_means_no_suggestion(client):
    make_article(headline="Council budget", body="x")
    html = _page(client, "xqzjvw")
    assert "search-suggestion" not in html and "Nothing matched. Try fewer" in html


@postgres_only
def test_suggestions_come_only_from_what_readers_may_see(client):
    make_article(headline="Platypus sighting", status=Article.Status.DRAFT, published_at=None)
    make_article(headline="Wombat burrow", body="x")
    assert "search-suggestion" not in _page(client, "platypos")
    live = make_article(headline="Echidna count", body="x")
    assert '<a href="?q=echidna">echidna</a>' in _page(client, "echidnna")
    edit(live, headline="Numbat count")  # the stored words follow the text
    assert "search-suggestion" not in _page(client, "echidnna")


@postgres_only
def test_trigram_extension_and_index_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_words'")
        (indexdef,) = cursor.fetchone()
    assert "USING gin (search_words gin_trgm_ops)" in indexdef


# Exact queries, after a first view fills the layout cache: the page of results, its tags
# and its bylines (never a count). With nothing found, the empty page (no prefetches), then
# on PostgreSQL two for the suggestion (the similarity threshold, the words) and, with one,
# the suggestion's page of results.
BUDGETS = {
    "found": 3,
    "nothing": 3 if FULL_TEXT else 1,
    "suggested": 6 if FULL_TEXT else 1,
}


@pytest.mark.parametrize("case", list(BUDGETS))
@pytest.mark.parametrize("extra", [0, 10])
def test_search_page_query_budget(client, django_assert_num_queries, case, extra):
    tag, author = make_tag(name="Budgets"), make_author(name="Ann Writer")
    for i in range(1 + extra):
        make_article(headline=f"Council budget {i}", body="x", tags=[tag], authors=[author])
    query = {"found": "council", "nothing": "xqzjvw", "suggested": "cuncil"}[case]
    client.get("/search/", {"q": query})
    with django_assert_num_queries(BUDGETS[case]):
        html = _page(client, query)
    cards = html.count('class="card"')
    assert cards == (0 if case == "nothing" or not FULL_TEXT and case == "suggested" else 1 + extra)
