"""Reader search: the one rule for what /search/?q= finds, starting from published().

Both databases understand the hints the search page shows: "a phrase" and -word (leave out
articles with it), over the headline, standfirst, body, tag names and author names.

PostgreSQL: full-text search over a stored, weighted vector (headline A, standfirst and
authors B, body and tags C), websearch syntax, ranked, with a highlighted snippet. When
nothing matches, suggest() offers the query with each misspelt word replaced by the
nearest word (pg_trgm similarity) of a published article, read from its stored
`search_words`. Other databases (SQLite for local work): each term must appear,
case-insensitively, in one of those fields, and no left-out term may.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, Func, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.safestring import mark_safe

from articles.models import Article, Author, Tag

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# Markers no article text contains: ts_headline wraps matches in them, then the whole
# snippet is escaped and only these become <mark>.
_START, _STOP = "\ue000", "\ue001"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
# websearch_to_tsquery nests one NOT per dash, even with punctuation or spaces between
# them, and fails past 32 ("tsquery stack too small"): a run of them means one NOT.
_NEGATIONS = re.compile(r'-(?:[^\w"]*-)+')
_MARKDOWN_PUNCTUATION = re.compile(r"[*_#>`\[\]]+")
# A term: an optional minus, then a quoted phrase (an unclosed quote runs to the end, as
# in websearch_to_tsquery) or a run of non-space characters.
_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_WORD = re.compile(r"\w+")
# Words shorter than this are neither stored for suggestions (_Words) nor corrected.
MIN_WORD = 3
# At most this many words of one query are corrected (one query for all of them).
MAX_CORRECTED = 8
# The suggestion for a word is the most similar word of the first few published articles
# with a word near it (pg_trgm's index-backed %> operator: word_similarity at least
# NEAR_WORD; pg_trgm's default of 0.6 misses "budgit" for "budget"), if at least:
MIN_SIMILARITY = 0.3
NEAR_WORD = 0.5
CANDIDATE_ARTICLES = 20


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False
    excluded: bool = False

    def __str__(self):
        text = f'"{self.text}"' if self.phrase else self.text
        return f"-{text}" if self.excluded else text


def clean_query(raw):
    """The query as we search it: control characters dropped, runs of dashes and whitespace
    folded, capped."""
    text = _NEGATIONS.sub("-", _CONTROL.sub(" ", raw or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def terms(query):
    """The cleaned query as terms: phrases, words (edge punctuation dropped) and left-out
    ones; a term with no letter or digit in it is no term."""
    found = []
    for match in _TERM.finditer(query):
        if match.group(2) is not None:
            term = Term(" ".join(match.group(2).split()), True, bool(match.group(1)))
        else:
            term = Term(_EDGE_PUNCTUATION.sub("", match.group(4)), excluded=bool(match.group(3)))
        if _WORD.search(term.text):
            found.append(term)
    return found


def uses_full_text():
    return connection.vendor == "postgresql"


def search(query):
    """Published articles matching `query`, best first; PostgreSQL adds `rank` and `snippet`."""
    query = clean_query(query)
    articles = Article.objects.published()
    if not query:
        return articles.none()
    if uses_full_text():
        ts_query = SearchQuery(query, config=CONFIG, search_type="websearch")
        return (
            articles.filter(search_vector=ts_query)
            .annotate(
                rank=SearchRank(F("search_vector"), ts_query),
                snippet_raw=SearchHeadline(
                    "body",
                    ts_query,
                    config=CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=35,
                    min_words=15,
                ),
            )
            .order_by("-rank", "-published_at", "-id")
        )
    found = terms(query)
    if not found:
        return articles.none()
    for term in found:
        articles = (articles.exclude if term.excluded else articles.filter)(_contains(term.text))
    return articles.order_by("-published_at", "-id")


def _contains(text):
    """Articles with `text` in their headline, standfirst, body, a tag or an author's name."""
    return (
        Q(headline__icontains=text)
        | Q(standfirst__icontains=text)
        | Q(body__icontains=text)
        | Q(pk__in=Article.tags.through.objects.filter(tag__name__icontains=text).values("article"))
        | Q(
            pk__in=Article.authors.through.objects.filter(author__name__icontains=text).values(
                "article"
            )
        )
    )


# For each word of the array, the most similar word among the stored words of the first
# published articles that have a word near it (index-backed: GIN gin_trgm_ops).
_SUGGEST_SQL = """
SELECT asked.word, (
    SELECT near.word FROM (
        SELECT DISTINCT regexp_split_to_table(candidate.search_words, ' ') AS word
        FROM (
            SELECT published.search_words FROM ({published}) AS published
            WHERE published.search_words %%> asked.word LIMIT {limit}
        ) AS candidate
    ) AS near
    WHERE similarity(near.word, asked.word) >= %s
    ORDER BY similarity(near.word, asked.word) DESC, near.word
    LIMIT 1
)
FROM unnest(%s::text[]) AS asked(word)
"""


def suggest(query):
    """The query with its misspelt words corrected, or "" when there is nothing better to
    offer (PostgreSQL only; two queries)."""
    found = terms(clean_query(query))
    words = []
    for term in found:
        if not term.excluded:
            words += [w.lower() for w in _WORD.findall(term.text) if len(w) >= MIN_WORD]
    words = list(dict.fromkeys(words))[:MAX_CORRECTED]
    if not words or not uses_full_text():
        return ""
    published, params = (
        Article.objects.published().order_by().values("search_words").query.sql_with_params()
    )
    sql = _SUGGEST_SQL.format(published=published, limit=CANDIDATE_ARTICLES)
    with connection.cursor() as cursor:
        # For this connection's session; only this query uses the operator.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(NEAR_WORD)]
        )
        cursor.execute(sql, [*params, MIN_SIMILARITY, words])
        better = {word: near for word, near in cursor.fetchall() if near}

    def corrected(match):
        return better.get(match.group(0).lower(), match.group(0))

    suggestion = " ".join(
        str(t if t.excluded else Term(_WORD.sub(corrected, t.text), t.phrase)) for t in found
    )
    return suggestion if suggestion.lower() != " ".join(map(str, found)).lower() else ""


def snippet_html(raw):
    """Escape a ts_headline snippet completely, then let only its <mark> tags through."""
    if not raw:
        return ""
    text = html.escape(_MARKDOWN_PUNCTUATION.sub("", raw))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


class _Words(Func):
    """The distinct lower-case words (of MIN_WORD characters or more) of a text, separated
    by spaces: the vocabulary suggest() reads."""

    template = (
        "array_to_string(ARRAY(SELECT DISTINCT w FROM regexp_split_to_table("
        "lower(%(expressions)s), '[^[:alnum:]]+') AS w WHERE length(w) >= 3 ORDER BY w), ' ')"
    )
    output_field = TextField()


def _names(model, relation):
    """The names of the article's tags or authors, space-separated ("" for none)."""
    names = (
        model.objects.filter(**{relation: OuterRef("pk")})
        .order_by()
        .values(relation)
        .annotate(names=StringAgg("name", delimiter=" ", output_field=TextField()))
        .values("names")
    )
    return Coalesce(Subquery(names, output_field=TextField()), Value(""), output_field=TextField())


def update_search_vectors(articles):
    """Store the weighted vector and the words of every article in `articles` in one UPDATE
    (PostgreSQL only); the actions call it after any change to an article's text, tags or
    bylines, or to a tag's or author's name."""
    if not uses_full_text():
        return
    tags, authors = _names(Tag, "articles"), _names(Author, "articles")
    space = Value(" ")
    Article.objects.filter(pk__in=articles.values("pk")).update(
        search_vector=SearchVector("headline", weight="A", config=CONFIG)
        + SearchVector("standfirst", authors, weight="B", config=CONFIG)
        + SearchVector("body", tags, weight="C", config=CONFIG),
        search_words=_Words(
            Concat(
                "headline",
                space,
                "standfirst",
                space,
                "body",
                space,
                tags,
                space,
                authors,
                output_field=TextField(),
            )  # fmt: skip
        ),
    )


def update_search_vector(article):
    update_search_vectors(Article.objects.filter(pk=article.pk))
