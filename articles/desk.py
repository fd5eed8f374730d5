"""The editor's desk: what needs someone now, each item a count and a link to exactly
those rows in the admin.

DESK is the one list. An item names its model, a label, the rows waiting (a function of
the ModelAdmin's own queryset, so each role counts only what its admin pages show it; a
personal item's also of the user) and the changelist query string that lists the same
rows. The admin index (cms/admin.py) shows an item only to those whose ModelAdmin lets
them view the model.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles import identification, mentions
from articles.models import (
    Article,
    Comment,
    DoNotIdentify,
    ImageRights,
    ProblemReport,
    SourceAlert,
    WebhookDelivery,
)


@dataclass(frozen=True)
class DeskItem:
    label: str
    model: type[Model]
    rows: Callable[..., QuerySet]  # rows(queryset), or rows(queryset, user) if personal
    query: str  # the changelist filter showing the same rows
    personal: bool = False  # what concerns the user themselves


DESK = [
    DeskItem(
        "Comments awaiting moderation",
        Comment,
        lambda comments: comments.filter(status=Comment.Status.PENDING),
        f"status={Comment.Status.PENDING}",
    ),
    DeskItem(
        "New reader reports",
        ProblemReport,
        lambda reports: reports.filter(status=ProblemReport.Status.NEW),
        f"status__exact={ProblemReport.Status.NEW}",
    ),
    DeskItem(
        "Source alerts: originals changed, corrected or gone",
        SourceAlert,
        lambda alerts: alerts.open(),
        "resolved=open",
    ),
    DeskItem(
        "Do-not-identify matches awaiting sign-off",
        DoNotIdentify,
        lambda entries: entries.filter(pk__in=identification.awaiting_sign_off(entries)),
        "sign_off=awaiting",
    ),
    DeskItem(
        "Stories going public in the next 24 hours",
        Article,
        lambda articles: articles.due_soon(),
        "due=soon",
    ),
    DeskItem(
        "Stories under embargo",
        Article,
        lambda articles: articles.under_embargo(),
        "embargo=waiting",
    ),
    DeskItem(
        "Articles with open notes mentioning you",
        Article,
        mentions.awaiting,
        "notes=mentioning-me",
        personal=True,
    ),
    DeskItem(
        "Image licences ending soon",
        ImageRights,
        lambda rights: rights.ending_soon(),
        "licence=ending",
    ),
    DeskItem(
        "Failed background tasks",
        DBTaskResult,
        lambda results: results.filter(status=TaskResultStatus.FAILED),
        f"status__exact={TaskResultStatus.FAILED.value}",
    ),
    DeskItem(
        "Failed webhook deliveries",
        WebhookDelivery,
        lambda deliveries: deliveries.filter(status=WebhookDelivery.Status.FAILED),
        f"status__exact={WebhookDelivery.Status.FAILED}",
    ),
]
