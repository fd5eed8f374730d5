"""Who may call the partner API: a partner's key, sent as `Authorization: Bearer <key>`,
within the partner's rate. A missing or unknown key is 401, a revoked key or a switched-off
partner 403, too many requests 429 with Retry-After.

The rate is counted per key in fixed one-minute windows through the one rate counter
(articles.comments.count_in_window), which keeps counting in the process when the cache
is down, so the API still answers.
"""

import math
import time

from articles.comments import count_in_window
from articles.models import APIKey

WINDOW_SECONDS = 60


class Denied(Exception):
    """The request is refused: `status`, a message for the partner, and extra headers."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def authenticate(request):
    """The APIKey (with its partner) the request presents, or Denied."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise Denied(
            401,
            "Send your API key as 'Authorization: Bearer <key>'.",
            {"WWW-Authenticate": 'Bearer realm="standfirst"'},
        )
    found = APIKey.objects.for_key(key)
    if found is None:
        raise Denied(
            401, "This API key is not known.", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    if found.revoked:
        raise Denied(403, "This API key was revoked: ask us for a new one.")
    if not found.partner.active:
        raise Denied(403, "Access for this partner is switched off.")
    return found


def check_rate(key, now=None):
    """Count one request for this key; Denied (429) beyond the partner's rate."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    count = count_in_window(f"api-rate:{key.pk}:{window}", WINDOW_SECONDS)
    limit = key.partner.requests_per_minute
    if count > limit:
        retry = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        raise Denied(
            429,
            f"More than {limit} requests this minute: try again in {retry} seconds.",
            {"Retry-After": str(retry)},
        )
