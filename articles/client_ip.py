"""The reader's IP address, for rate limits, when the site sits behind proxies.

Behind a proxy or CDN, REMOTE_ADDR is the proxy's address, so a per-IP limit would throttle
every reader together. Each trusted proxy appends the address it saw to X-Forwarded-For;
with TRUSTED_PROXY_COUNT (env DJANGO_TRUSTED_PROXY_COUNT) proxies in front, the client is
that many entries from the right. Entries further left are whatever the client sent, so
they are never trusted. Login lockout (axes) and the comment and report limits use this.
"""

from django.conf import settings


def client_ip(request):
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
