"""Same-origin checks for form POSTs from cached pages, which carry no CSRF token.

OWASP's "verifying origin with standard headers": the Origin header must be this site's
own origin (or one in CSRF_TRUSTED_ORIGINS); without Origin, the Referer must be; and a
browser's Sec-Fetch-Site, when sent, must say same-origin. Anything else is refused.
Use it together with csrf_exempt, in place of Django's token check:

    @csrf_exempt
    @require_same_origin
    def post_view(request): ...
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseForbidden
from django.template.loader import render_to_string

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _origin_of(url):
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def trusted_origins(request):
    own = f"{request.scheme}://{request.get_host()}".lower()
    others = (_origin_of(o) for o in settings.CSRF_TRUSTED_ORIGINS)
    return {own, *(o for o in others if o)}


def cross_origin_reason(request):
    """Why this request is not provably same-origin, or None when it is."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return f"it came from another site (Sec-Fetch-Site: {fetch_site})"
    origin = request.headers.get("Origin")
    if origin is not None:
        if _origin_of(origin) in trusted_origins(request):
            return None
        return "it came from another site (Origin does not match)"
    referer = request.headers.get("Referer")
    if not referer:
        return "the browser sent neither an Origin nor a Referer header"
    if _origin_of(referer) in trusted_origins(request):
        return None
    return "it came from another site (Referer does not match)"


def require_same_origin(view):
    """Refuse unsafe requests that do not provably come from this site: 403, nothing done."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            reason = cross_origin_reason(request)
            if reason:
                html = render_to_string("origin_refused.html", {"reason": reason}, request=request)
                return HttpResponseForbidden(html)
        return view(request, *args, **kwargs)

    return wrapped
