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
from articles.models.feeds import FeedItem, FeedSubscription
from articles.models.history import ArticlePath, AuditEntry, Revision
from articles.models.holds import LegalHold
from articles.models.media import ImageRendition, ImageRights
from articles.models.notes import Note, NoteMention, NoteQuerySet
from articles.models.partners import APIKey, Partner, Republishing
from articles.models.previews import PreviewLink
from articles.models.reviews import ReviewDecision, SignOffLink, Workflow, WorkflowStep
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
from articles.models.watch import SourceAlert, SourceWatch
from articles.models.webhooks import DeliveryAttempt, Event, WebhookDelivery, WebhookEndpoint

__all__ = [
    "APIKey",
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
    "FeedItem",
    "FeedSubscription",
    "Event",
    "Helpline",
    "IdentificationSignOff",
    "ImageRendition",
    "ImageRights",
    "LegalHold",
    "Partner",
    "Note",
    "NoteMention",
    "NoteQuerySet",
    "PolicyPage",
    "PreviewLink",
    "ProblemReport",
    "RelatedArticle",
    "Republication",
    "Republishing",
    "ReviewDecision",
    "Revision",
    "SealedSource",
    "Section",
    "SignOffLink",
    "SiteSettings",
    "SourceAlert",
    "SourceSnapshot",
    "SourceWatch",
    "Tag",
    "TrustOverride",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Workflow",
    "WorkflowStep",
]
