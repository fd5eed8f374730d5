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
from articles.models.media import ImageRendition
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
from articles.models.webhooks import DeliveryAttempt, Event, WebhookDelivery, WebhookEndpoint

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
    "DeliveryAttempt",
    "DoNotIdentify",
    "Event",
    "Helpline",
    "IdentificationSignOff",
    "ImageRendition",
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
    "WebhookDelivery",
    "WebhookEndpoint",
]
