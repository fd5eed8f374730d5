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
from articles.models.editorial import AuditEntry, ImageRendition, PreviewLink, Revision
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
    "AuditEntry",
    "Author",
    "BlockedTerm",
    "Byline",
    "Callout",
    "Comment",
    "CommentQuerySet",
    "Correction",
    "DoNotIdentify",
    "Helpline",
    "IdentificationSignOff",
    "ImageRendition",
    "LegalHold",
    "LegalHoldEntry",
    "PolicyPage",
    "PreviewLink",
    "ProblemReport",
    "RelatedArticle",
    "Republication",
    "Revision",
    "Section",
    "SiteSettings",
    "SourceSnapshot",
    "Tag",
]
