"""The audit log's one entry point: every action that must be traceable calls record()."""

from django.core.serializers.json import DjangoJSONEncoder

from articles.actors import system_name, user_of
from articles.models import AuditEntry

Action = AuditEntry.Action


def record(action, article=None, actor=None, **detail):
    """Add one audit entry: who (a user or a SystemActor) did what to which article.

    `detail` is stored as JSON (dates and times become ISO strings). It never holds a
    do-not-identify term: callers record the entry's kind and id instead.
    """
    encoder = DjangoJSONEncoder()
    detail = {key: _plain(value, encoder) for key, value in detail.items()}
    return AuditEntry.objects.create(
        action=Action(action),
        article=article,
        actor=user_of(actor),
        system_actor=system_name(actor),
        detail=detail,
    )


def _plain(value, encoder):
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return encoder.default(value)
