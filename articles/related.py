"""The related block ("More from <publication>"): one rule, used by the article page."""

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When

from articles.models import Article

CANDIDATES = 200


def related_articles(article, count=None):
    """Editor picks in their order, then published articles sharing the most tags, then the
    same section, newest first; never the article itself, never twice, at most `count`.
    The fill looks at recent articles only (the newest CANDIDATES of each kind).

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
    # An editor may pick a sensitive story; the automatic fill never does.
    eligible = Article.objects.published().not_sensitive().exclude(pk__in=seen)
    # Ranked among the newest CANDIDATES sharing a tag and the newest in the same section,
    # so the page costs the same at 1,000 or 100,000 articles (the ranking counts tags).
    newest = eligible.order_by("-published_at", "-id").values("pk")
    candidates = Q(pk__in=[])
    if tag_ids:
        # EXISTS, not a join: the database walks the newest articles by index and stops early.
        shares_a_tag = Article.tags.through.objects.filter(article=OuterRef("pk"), tag__in=tag_ids)
        candidates |= Q(pk__in=newest.filter(Exists(shares_a_tag))[:CANDIDATES])
    if article.section_id:
        candidates |= Q(pk__in=newest.filter(section_id=article.section_id)[:CANDIDATES])
    shared_tags = (
        Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
        if tag_ids
        else Value(0, output_field=IntegerField())
    )
    fallback = (
        Article.objects.filter(candidates)
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
