"""Template tags for the article page: the hero image and the republish panel."""

from django import template

from articles import images, republish

register = template.Library()

# The hero spans the article column (40rem), or the screen less its gutters.
HERO_SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"


@register.inclusion_tag("includes/editors_hero.html")
def hero_image(article):
    """Above the fold, so loaded eagerly; renditions were made at upload."""
    return {
        "article": article,
        "image": images.picture(article.public_hero(), HERO_SIZES),
        "credit": article.hero_credit_line(),
    }


@register.inclusion_tag("includes/editors_republish.html", takes_context=True)
def republish_panel(context, article):
    """Only articles with a republishing licence offer the snippet."""
    if not article.offers_republishing:
        return {"snippet": None}
    return {
        "snippet": republish.snippet(article, context.get("site")),
        "licence": article.get_republish_licence_display(),
    }
