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
from articles.models.readers import ArticlePath
from articles.models.trust import (
    Correction,
    DoNotIdentify,
    Helpline,
    IdentificationSignOff,
    LegalHold,
    LegalHoldEntry,
    PolicyPage,
    ProblemReport,
    Republication,
    SourceSnapshot,
)

__all__ = [
    "Article",
    "ArticlePath",
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
    "Correction",
    "DoNotIdentify",
    "Helpline",
    "IdentificationSignOff",
    "LegalHold",
    "LegalHoldEntry",
    "PolicyPage",
    "ProblemReport",
    "Republication",
    "SourceSnapshot",
]
