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
from articles.models.history import ArticlePath, AuditEntry, Revision
from articles.models.holds import LegalHold
from articles.models.media import ImageRendition, ImageRights
from articles.models.previews import PreviewLink
from articles.models.trust import (
    Correction,
    DoNotIdentify,
    Helpline,
    IdentificationSignOff,
    PolicyPage,
    ProblemReport,
    Republication,
    SealedSource,
    SourceSnapshot,
    TrustOverride,
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
    "ImageRights",
    "LegalHold",
    "PolicyPage",
    "PreviewLink",
    "ProblemReport",
    "RelatedArticle",
    "Republication",
    "Revision",
    "SealedSource",
    "Section",
    "SiteSettings",
    "SourceSnapshot",
    "Tag",
    "TrustOverride",
]
