"""Cursor pagination for the partner API: every item once, none skipped, while stories are
published during the walk (they join at the head, before the first page).

A cursor names the last item of a page by (published_at, id), the list's order; the next
page starts strictly after it. No silent cap: a limit beyond MAX_LIMIT is refused, not cut.
"""

import base64
import binascii
from datetime import datetime

from django.db.models import Q

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class BadPage(ValueError):
    """The cursor or limit cannot be read; the message says what to send."""


def encode(article):
    raw = f"{article.published_at.isoformat()}|{article.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor):
    """(published_at, id) from a cursor, or BadPage."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, pk = raw.partition("|")
        when = datetime.fromisoformat(stamp)
        if when.tzinfo is None:
            raise ValueError
        return when, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        message = "This cursor cannot be read: use the 'next' link of the last page."
        raise BadPage(message) from error


def limit_of(value):
    if value is None:
        return DEFAULT_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise BadPage(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(value)


def page(articles, cursor, limit):
    """(items, the next page's cursor or None) from articles ordered newest first."""
    if cursor:
        when, pk = decode(cursor)
        articles = articles.filter(Q(published_at__lt=when) | Q(published_at=when, pk__lt=pk))
    items = list(articles[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, encode(items[-1]) if more else None
