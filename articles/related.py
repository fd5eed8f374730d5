"""The related block ("More from <publication>"): one rule, used by the article page."""

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, Value, When

from articles.models import Article


def related_articles(article, count=None):
    """Editor picks in their order, then published articles sharing the most tags, then the
    same section, newest first; never the article itself, never twice, at most `count`.

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
    same_section = Q(section_id=article.section_id) if article.section_id else Q(pk__in=[])
    shared_tags = (
        Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
        if tag_ids
        else Value(0, output_field=IntegerField())
    )
    fallback = (
        Article.objects.published()
        .not_sensitive()  # an editor may pick a sensitive story; the automatic fill never does
        .exclude(pk__in=seen)
        .annotate(
            shared_tags=shared_tags,
            in_section=Case(
                When(same_section, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .filter(Q(shared_tags__gt=0) | Q(in_section=1))
        .order_by("-shared_tags", "-in_section", "-published_at", "-id")
    )
    return picks + list(fallback[:missing])
