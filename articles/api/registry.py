"""The registry of who republished us: counts per article and referring host (the republish
snippet's image) or per article and partner (API and feed deliveries). No cookie, address,
path or other personal data is read or kept: only a host name and a count.

Counters, not newsroom state: they are written here directly, one insert-if-new and one
increment per response, whatever the number of articles.
"""

from urllib.parse import urlsplit

from django.db.models import F
from django.utils import timezone

from articles.models import Republishing


def _count(rows, filters):
    now = timezone.now()
    for row in rows:
        row.first_seen_at = row.last_seen_at = now
    Republishing.objects.bulk_create(rows, ignore_conflicts=True)
    Republishing.objects.filter(**filters).update(count=F("count") + 1, last_seen_at=now)


def count_delivery(partner, article_ids):
    """A partner's key received these articles."""
    if not article_ids:
        return
    channel = Republishing.Channel.API
    _count(
        [Republishing(article_id=pk, channel=channel, partner=partner) for pk in article_ids],
        {"channel": channel, "partner": partner, "article_id__in": article_ids},
    )


def referring_host(referer):
    """The host of a Referer header, lower-cased; "" when absent or unreadable."""
    try:
        return (urlsplit(referer).hostname or "")[:253]
    except ValueError:
        return ""


def count_snippet_view(article_id, host):
    """A page showing our snippet (its image) was loaded on `host`."""
    channel = Republishing.Channel.SNIPPET
    _count(
        [Republishing(article_id=article_id, channel=channel, host=host)],
        {"channel": channel, "host": host, "article_id": article_id},
    )
