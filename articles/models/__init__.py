"""Models, one module per area; import them from here."""

from articles.models.comments import BlockedTerm, Comment, CommentQuerySet
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
    "BlockedTerm",
    "Byline",
    "Callout",
    "Comment",
    "CommentQuerySet",
    "RelatedArticle",
    "Section",
    "SiteSettings",
    "Tag",
]
