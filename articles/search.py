"""Reader search: the one rule for what /search/?q= finds, starting from published().

PostgreSQL: full-text search over a stored, weighted vector (headline A, standfirst B,
body and tags C), websearch syntax, ranked, with a highlighted snippet. Other databases
(SQLite for local work): every word must appear, case-insensitively, in one of the same fields.
"""

import html
import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.safestring import mark_safe

from articles.models import Article, Tag

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


def clean_query(raw):
    """The query as we search it: control characters dropped, runs of dashes and whitespace
    folded, capped."""
    text = _NEGATIONS.sub("-", _CONTROL.sub(" ", raw or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


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
    for word in query.split():
        matches_word = (
            Q(headline__icontains=word)
            | Q(standfirst__icontains=word)
            | Q(body__icontains=word)
            | Q(
                pk__in=Article.tags.through.objects.filter(tag__name__icontains=word).values(
                    "article"
                )
            )
        )
        articles = articles.filter(matches_word)
    return articles.order_by("-published_at", "-id")


def snippet_html(raw):
    """Escape a ts_headline snippet completely, then let only its <mark> tags through."""
    if not raw:
        return ""
    text = html.escape(_MARKDOWN_PUNCTUATION.sub("", raw))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def update_search_vectors(articles):
    """Store the weighted vector of every article in `articles` in one UPDATE (PostgreSQL
    only); the actions call it after any change to an article's text or tags, or to a tag's
    name."""
    if not uses_full_text():
        return
    tag_names = (
        Tag.objects.filter(articles=OuterRef("pk"))
        .order_by()
        .values("articles")
        .annotate(names=StringAgg("name", delimiter=" ", output_field=TextField()))
        .values("names")
    )
    tags = Coalesce(
        Subquery(tag_names, output_field=TextField()), Value(""), output_field=TextField()
    )
    Article.objects.filter(pk__in=articles.values("pk")).update(
        search_vector=SearchVector("headline", weight="A", config=CONFIG)
        + SearchVector("standfirst", weight="B", config=CONFIG)
        + SearchVector("body", tags, weight="C", config=CONFIG)
    )


def update_search_vector(article):
    update_search_vectors(Article.objects.filter(pk=article.pk))
