"""Models, one module per area; import them from here."""

from articles.models.content import (
    Article,
    ArticleQuerySet,
    Author,
    Byline,
    Callout,
    RelatedArticle,
    Section,
    SiteSettings,
    Tag,
)

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Callout",
    "RelatedArticle",
    "Section",
    "SiteSettings",
    "Tag",
]
