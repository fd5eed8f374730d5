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
from articles.models.readers import ArticlePath

__all__ = [
    "Article",
    "ArticlePath",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Callout",
    "RelatedArticle",
    "Section",
    "SiteSettings",
    "Tag",
]
