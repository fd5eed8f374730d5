"""The audit log's one entry point: every feature that must be traceable calls record()."""

from django.core.serializers.json import DjangoJSONEncoder

from articles.models import AuditEntry

Action = AuditEntry.Action


def record(action, article=None, actor=None, **detail):
    """Add one audit entry: who (a user or None for the system) did what to which article.

    `detail` is stored as JSON (dates and times become ISO strings).
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    encoder = DjangoJSONEncoder()
    detail = {key: _plain(value, encoder) for key, value in detail.items()}
    return AuditEntry.objects.create(
        action=Action(action), article=article, actor=actor, detail=detail
    )


def _plain(value, encoder):
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return encoder.default(value)
