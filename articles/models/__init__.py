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
from articles.models.editorial import AuditEntry, ImageRendition, PreviewLink, Revision

__all__ = [
    "Article",
    "AuditEntry",
    "ImageRendition",
    "PreviewLink",
    "Revision",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Callout",
    "RelatedArticle",
    "Section",
    "SiteSettings",
    "Tag",
]
