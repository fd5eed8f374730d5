"""The related block ("More from <publication>"): one rule, used by the article page."""

import functools
import operator

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from articles.models import Article

CANDIDATES = 200
# What a related link shows (headline, date, URL) and is_published() reads: not the body.
CARD_FIELDS = ("id", "headline", "slug", "pub_date", "published_at", "status", "expires_at")


def _any_of(pools):
    """pk in any pool: one UNION subquery that PostgreSQL joins by primary key. SQLite
    cannot limit the parts of a UNION, so there (small sites) it is an OR of IN lists."""
    if connection.features.supports_slicing_ordering_in_compound:
        return Q(pk__in=pools[0].union(*pools[1:], all=True))
    return functools.reduce(operator.or_, (Q(pk__in=pool) for pool in pools))


def related_articles(article, count=None):
    """Editor picks in their order, then published articles sharing the most tags, then the
    same section, newest first; never the article itself, never twice, at most `count`.
    The fill looks at recent articles only (CANDIDATES per tag and in the section).

    Expects `article.related_links` prefetched with published targets and `article.tags`
    prefetched (as the article view does), so it costs one query at most.
    """
    count = settings.STANDFIRST_RELATED_COUNT if count is None else count
    picks = []
    seen = {article.pk}
    for link in article.related_links.all():
        if link.target_id not in seen and link.target.is_published():
            picks.append(link.target)
            seen.add(link.target_id)
    picks = picks[:count]
    missing = count - len(picks)
    if missing <= 0:
        return picks
    tag_ids = [tag.pk for tag in article.tags.all()]
    # Candidates, bounded so the page costs the same at 1,000 or 100,000 articles: the
    # newest CANDIDATES published articles in the article's section, and for each of its
    # tags the CANDIDATES published articles added last (walking the tag's rows in the
    # (tag, article) index); one UNION, one query. The pools only bound the search: the
    # public rule (published(), not expired, not sensitive) is applied to the result.
    published = Article.Status.PUBLISHED
    through = Article.tags.through.objects
    pools = [
        through.filter(tag_id=tag_id, article__status=published)
        .order_by("-article_id")
        .values("article_id")[:CANDIDATES]
        for tag_id in tag_ids
    ]
    if article.section_id:
        pools.append(
            Article.objects.published()
            .filter(section_id=article.section_id)
            .order_by("-published_at", "-id")
            .values("pk")[:CANDIDATES]
        )
    if not pools:
        return picks
    shared_tags = Coalesce(
        Subquery(
            through.filter(article=OuterRef("pk"), tag__in=tag_ids)
            .values("article")
            .annotate(n=Count("*"))
            .values("n")
        ),
        0,
    )
    fallback = (
        # An editor may pick a sensitive story; the automatic fill never does.
        Article.objects.published()
        .not_sensitive()
        .filter(_any_of(pools))
        .exclude(pk__in=seen)
        .only(*CARD_FIELDS)
        .annotate(
            shared_tags=shared_tags if tag_ids else Value(0, output_field=IntegerField()),
            in_section=Case(
                When(section_id=article.section_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-shared_tags", "-in_section", "-published_at", "-id")
    )
    return picks + list(fallback[:missing])
