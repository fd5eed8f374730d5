"""Purging the front cache by surrogate key (articles.surrogate), behind one interface.

Chosen by STANDFIRST_EDGE_PURGE: "varnish" (the reference edge: deploy/varnish.vcl with the
xkey module), "fastly" (surrogate keys) or "cloudflare" (cache tags); empty: no front cache
to purge. After a change commits, purge() is called from the committing process for a
legal change and by the worker for an ordinary one (articles.signals, articles.tasks).

A soft purge marks the pages stale: the edge may serve the old copy for its grace period
while it fetches the new one. A hard purge removes them: the next reader waits for the
origin, and no stale copy exists to serve even if the origin is down. Legal changes
(redaction, legal hold, unpublish, deletion) purge hard; Cloudflare only purges hard.
"""

import json
import urllib.request

from django.conf import settings

TIMEOUT = 10


class PurgeFailed(Exception):
    """The edge did not confirm the purge; the task is retried."""


def _request(url, **kwargs):
    if not url.startswith(("http://", "https://")):
        raise PurgeFailed(f"Not an http(s) URL: {url}")
    return urllib.request.Request(url, **kwargs)  # noqa: S310 - scheme checked above


def _send(request):
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - http(s)
            return response.status
    except OSError as error:  # URLError, HTTPError, timeouts
        raise PurgeFailed(f"{request.get_method()} {request.full_url}: {error}") from error


def varnish(keys, hard):
    """One PURGE request to each Varnish (STANDFIRST_VARNISH_URLS), accepted only from the
    app's addresses (the VCL's `purgers` ACL)."""
    header = "xkey-purge" if hard else "xkey-softpurge"
    for url in settings.STANDFIRST_VARNISH_URLS:
        _send(_request(url, method="PURGE", headers={header: " ".join(keys)}))


def fastly(keys, hard):
    headers = {
        "Fastly-Key": settings.FASTLY_API_TOKEN,
        "Content-Type": "application/json",
    } | ({} if hard else {"Fastly-Soft-Purge": "1"})
    url = f"{settings.FASTLY_API_URL}/service/{settings.FASTLY_SERVICE_ID}/purge"
    body = json.dumps({"surrogate_keys": list(keys)}).encode()
    _send(_request(url, data=body, method="POST", headers=headers))


def cloudflare(keys, hard):
    url = f"{settings.CLOUDFLARE_API_URL}/zones/{settings.CLOUDFLARE_ZONE_ID}/purge_cache"
    headers = {
        "Authorization": f"Bearer {settings.CLOUDFLARE_API_TOKEN}",
        "Content-Type": "application/json",
    }
    body = json.dumps({"tags": list(keys)}).encode()
    _send(_request(url, data=body, method="POST", headers=headers))


PURGERS = {"varnish": varnish, "fastly": fastly, "cloudflare": cloudflare}


def configured():
    return settings.STANDFIRST_EDGE_PURGE in PURGERS


def purge(keys, hard):
    PURGERS[settings.STANDFIRST_EDGE_PURGE](sorted(keys), hard)
