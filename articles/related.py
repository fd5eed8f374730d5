"""The related block ("More from <publication>"): one rule, used by the article page."""

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from articles.models import Article

CANDIDATES = 100
# What a related link shows (headline, date, URL) and is_published() reads: not the body.
CARD_FIELDS = ("id", "headline", "slug", "pub_date", "published_at", "status", "expires_at")


def _candidate_pools(article, tag_ids):
    """The ids the fill ranks, bounded so the page costs the same at 1,000 or 100,000
    articles: for each of the article's tags the CANDIDATES published articles added last
    (walking the tag's rows in the (tag, article) index), and the newest CANDIDATES
    published in its section. None when there is nothing to look for.

    Only a bound on the search: the public rule (published(), not expired, not sensitive)
    is applied to the result by the ORM. Written as SQL because building the same UNION
    through the ORM took longer than running it; each part is wrapped in a subquery so
    that SQLite, too, accepts a LIMIT per part.
    """
    # Only table names from the models and %s placeholders go into the SQL.
    article_table = connection.ops.quote_name(Article._meta.db_table)
    tags_table = connection.ops.quote_name(Article.tags.through._meta.db_table)
    parts, params = [], []
    for tag_id in tag_ids:
        parts.append(
            f"SELECT pool.id FROM (SELECT t.article_id AS id FROM {tags_table} t"  # noqa: S608
            f" INNER JOIN {article_table} a ON a.id = t.article_id"
            " WHERE t.tag_id = %s AND a.status = %s ORDER BY t.article_id DESC LIMIT %s) pool"
        )
        params += [tag_id, Article.Status.PUBLISHED, CANDIDATES]
    if article.section_id:
        parts.append(
            f"SELECT pool.id FROM (SELECT a.id FROM {article_table} a"  # noqa: S608
            " WHERE a.section_id = %s AND a.status = %s"
            " ORDER BY a.published_at DESC, a.id DESC LIMIT %s) pool"
        )
        params += [article.section_id, Article.Status.PUBLISHED, CANDIDATES]
    if not parts:
        return None
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611 - see above


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
    pools = _candidate_pools(article, tag_ids)
    if pools is None:
        return picks
    shared_tags = (
        Coalesce(
            Subquery(
                Article.tags.through.objects.filter(article=OuterRef("pk"), tag__in=tag_ids)
                .values("article")
                .annotate(n=Count("*"))
                .values("n")
            ),
            0,
        )
        if tag_ids
        else Value(0, output_field=IntegerField())
    )
    fallback = (
        # An editor may pick a sensitive story; the automatic fill never does.
        Article.objects.published()
        .not_sensitive()
        .filter(pk__in=pools)
        .exclude(pk__in=seen)
        .only(*CARD_FIELDS)
        .annotate(
            shared_tags=shared_tags,
            in_section=Case(
                When(section_id=article.section_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-shared_tags", "-in_section", "-published_at", "-id")
    )
    return picks + list(fallback[:missing])
