"""Whole public pages from the cache, and headers a CDN can trust.

Two doors, one set of rules. `PageCacheApp` wraps the WSGI application (cms/wsgi.py): a hit
is answered from the WSGI environ before Django builds a request or runs any middleware,
which is most of what a hit used to cost. `PageCacheMiddleware`, the outermost middleware,
stores the final response (after every inner middleware added its headers) and answers hits
itself when Django is entered another way (the test client, runserver, ASGI).

Only anonymous GET/HEAD requests for public paths on an allowed host are served or stored;
anything with a session cookie, an Authorization header, a Set-Cookie, a Vary or a
private/no-cache Cache-Control passes by untouched (and is marked private when nothing else
said how to cache it).

Keys come from an allowlist, so a flood of variants cannot fill the cache or force renders:
the scheme as Django decides it, the path, and only the query parameters pages read
(STANDFIRST_PAGE_CACHE_QUERY_PARAMS), in a canonical order; every other parameter is
stripped before Django sees the request, so no page can depend on one. The host is not in
the key: pages build their links from SITE_URL, and a host outside ALLOWED_HOSTS is never
answered from the cache (Django refuses it). Only responses of a matched route are stored
(no random 404 path, no redirect decided before routing, which may name the request's host);
a 404 of a matched route lives briefly.
"""

import functools
import hashlib
import time
from http import HTTPStatus

from django.conf import settings
from django.db.models import Min
from django.http import HttpResponse, HttpResponseNotModified
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from articles import cache as content_cache
from articles import surrogate
from articles.models import Article, Callout, ImageRights
from articles.nearcache import near_cache

# Headers a 304 repeats from the full response (RFC 9110 section 15.4.5).
NOT_MODIFIED_HEADERS = ("Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary")
# The WSGI door leaves its cache lookup here, so a miss is not looked up twice.
LOOKED_UP = "standfirst.page_cache"


# While one request renders a page an ordinary change invalidated, the others get the
# previous copy for at most this long (articles.cache.get_page).
GRACE_SECONDS = 5


class PageCache:
    """The rules: which requests may be answered from the cache, under which key, and how."""

    def __init__(self):
        self.enabled = settings.STANDFIRST_PAGE_CACHE
        self.excluded = tuple(settings.STANDFIRST_PAGE_CACHE_EXCLUDED_PATHS)
        self.timeout = settings.STANDFIRST_PAGE_CACHE_TIMEOUT
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.params = frozenset(settings.STANDFIRST_PAGE_CACHE_QUERY_PARAMS)
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]  # as request.get_host() allows
        self.allowed_hosts = tuple(allowed)
        self.near = near_cache() if self.enabled else None

    def is_public_request(self, environ):
        return (
            environ["REQUEST_METHOD"] in ("GET", "HEAD")
            and not self._has_session(environ.get("HTTP_COOKIE"))
            and "HTTP_AUTHORIZATION" not in environ
            and not environ.get("PATH_INFO", "/").startswith(self.excluded)
        )

    def is_cacheable(self, environ):
        """A public request for an allowed host: its query string is made canonical here."""
        # The host request.get_host() would check (no HTTP_HOST: SERVER_NAME).
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if not (self.is_public_request(environ) and _host_allowed(host, self.allowed_hosts)):
            return False
        query = environ.get("QUERY_STRING")
        if query:
            environ["QUERY_STRING"] = self._canonical_query(query)
        return True

    def _canonical_query(self, query):
        # Names compared as sent (a percent-encoded name is dropped, never decoded into an
        # allowed one); values kept as sent; the last one wins, as request.GET.get() reads.
        kept = {}
        for pair in query.split("&"):
            name = pair.partition("=")[0]
            if name in self.params:
                kept[name] = pair
        return "&".join(sorted(kept.values()))

    def _scheme(self, environ):
        # request.scheme's rule: the proxy's header when configured and present.
        if self.proxy_ssl_header:
            header, secure = self.proxy_ssl_header
            value = environ.get(header)
            if value is not None:
                return "https" if value.split(",", 1)[0].strip() == secure else "http"
        return "https" if environ.get("wsgi.url_scheme") == "https" else "http"

    def _has_session(self, cookie_header):
        # The substring test keeps a cookie-less or session-less hit cheap; parse_cookie is
        # how Django itself reads request.COOKIES.
        return bool(cookie_header) and (
            self.session_cookie in cookie_header
            and self.session_cookie in parse_cookie(cookie_header)
        )

    def key(self, environ):
        """From a request is_cacheable() accepted: scheme, path and the allowed parameters."""
        raw = "{}:{}{}?{}".format(
            self._scheme(environ),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", "/"),
            environ.get("QUERY_STRING", ""),
        )
        return "standfirst:page:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()

    def look_up(self, environ):
        """(key, entry or None, version). From this worker's copies when the version has not
        moved (no round trip), else one cache round trip. Version None: the cache is down."""
        key = self.key(environ)
        near = self.near
        if near is not None:
            entry = near.get(key)
            if entry is not None and time.time() < entry[4]:
                return key, entry, near.version
        entry, version, fresh = content_cache.get_page(key, self.timeout, GRACE_SECONDS)
        if entry is not None and time.time() >= entry[4]:
            entry = None  # past the next scheduled publish or expiry
        if near is not None:
            near.confirm(version)
            if entry is not None and fresh:
                near.put(key, version, entry)
        return key, entry, version

    def store(self, key, version, entry, timeout, keys=()):
        content_cache.set_page(key, entry, version, timeout, keys)
        if self.near is not None:
            self.near.put(key, version, entry)

    def answer(self, environ, entry):
        """(status, headers, body) for a hit: the stored page, or 304 if the client has it."""
        status, headers, body, last_modified, _ = entry
        if status == 200 and _client_is_current(environ, headers["ETag"], last_modified):
            return 304, {k: headers[k] for k in NOT_MODIFIED_HEADERS if k in headers}, b""
        return status, headers, body


@functools.lru_cache(maxsize=256)
def _host_allowed(host, allowed):
    """Django's own ALLOWED_HOSTS check (request.get_host()), remembered per Host value."""
    domain, _ = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def _client_is_current(environ, etag, last_modified):
    """Conditional GET as RFC 9110 orders it: If-None-Match wins over If-Modified-Since."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since is None or last_modified is None:
        return False
    since = parse_http_date_safe(if_modified_since)
    return since is not None and last_modified <= since


def _etag_matches(header, etag):
    if header.strip() == "*":
        return True
    weak = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == weak for tag in header.split(","))


class PageCacheApp:
    """WSGI wrapper: a cache hit never enters Django (no request object, no middleware)."""

    def __init__(self, application):
        self.application = application
        self.rules = PageCache()

    def __call__(self, environ, start_response):
        rules = self.rules
        if not (rules.enabled and rules.is_cacheable(environ)):
            return self.application(environ, start_response)
        found = environ[LOOKED_UP] = rules.look_up(environ)
        entry = found[1]
        if entry is None:
            return self.application(environ, start_response)
        status, headers, body = rules.answer(environ, entry)
        header_list = list(headers.items())
        if status != 304 and "Content-Length" not in headers:
            header_list.append(("Content-Length", str(len(body))))
        start_response(f"{status} {HTTPStatus(status).phrase}", header_list)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.rules = PageCache()
        self.public_cache_control = settings.STANDFIRST_PUBLIC_CACHE_CONTROL
        self.statuses = frozenset(settings.STANDFIRST_PAGE_CACHE_STATUSES)
        self.not_found_timeout = settings.STANDFIRST_PAGE_CACHE_404_TIMEOUT
        self.max_entry_bytes = settings.STANDFIRST_PAGE_CACHE_MAX_ENTRY_KB * 1024

    def __call__(self, request):
        environ = request.META
        if not self.rules.is_public_request(environ):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        key = version = None
        if self.rules.enabled and (LOOKED_UP in environ or self.rules.is_cacheable(environ)):
            key, entry, version = environ.pop(LOOKED_UP, None) or self.rules.look_up(environ)
            if entry is not None:
                return self._from_entry(environ, entry)

        response = self.get_response(request)
        if not self._is_shareable(response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        self._add_public_headers(request, response)
        # Only what a route answered: unmatched paths, and redirects decided before routing
        # (https, a missing slash), would each be a new entry for anyone to make.
        if (
            key is not None
            and version is not None
            and request.resolver_match is not None
            and len(response.content) <= self.max_entry_bytes
        ):
            self._store(key, version, response)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )

    def _is_shareable(self, response):
        if response.status_code not in self.statuses or response.streaming:
            return False
        if response.cookies or response.has_header("Vary"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-cache", "no-store"))

    def _add_public_headers(self, request, response):
        response["Cache-Control"] = self.public_cache_control
        # What the page shows, for the edge's purge by key (articles.surrogate).
        keys = surrogate.of_request(request)
        response["xkey"] = response["Surrogate-Key"] = " ".join(keys)
        response["Cache-Tag"] = ",".join(keys)
        if not response.has_header("ETag"):
            digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
            response["ETag"] = f'"{digest}"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()

    def _store(self, key, version, response):
        lifetime = public_lifetime(version)
        if response.status_code == 404:
            lifetime = min(lifetime, self.not_found_timeout)
        entry = (
            response.status_code,
            dict(response.items()),
            response.content,
            parse_http_date_safe(response["Last-Modified"]),
            time.time() + lifetime,
        )
        # Cache backends count whole seconds; the entry's own deadline is exact.
        self.rules.store(key, version, entry, int(lifetime) + 1, response["xkey"].split())

    def _from_entry(self, environ, entry):
        status, headers, body = self.rules.answer(environ, entry)
        if status == 304:
            response = HttpResponseNotModified()
            for name, value in headers.items():
                response[name] = value
            return response
        return HttpResponse(body, status=status, headers=headers)


def public_lifetime(version):
    """How long what the public sees now may be kept: the page cache's timeout, and never
    past the next scheduled change (also used by articles.fragments)."""
    lifetime = settings.STANDFIRST_PAGE_CACHE_TIMEOUT
    until_change = content_cache.seconds_to_next_change(version, next_public_change)
    return lifetime if until_change is None else min(lifetime, until_change)


def next_public_change():
    """When a scheduled article, an expiry, a callout window or an image licence's end next
    changes what the public sees, as a Unix time (0: nothing is scheduled). Cached pages
    live no longer than that."""
    now = timezone.now()
    candidates = [
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now).aggregate(
            t=Min("published_at")
        )["t"],
        Article.objects.filter(expires_at__gt=now).aggregate(t=Min("expires_at"))["t"],
        Callout.objects.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"],
        Callout.objects.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"],
        ImageRights.objects.filter(license_ends_at__gt=now).aggregate(t=Min("license_ends_at"))[
            "t"
        ],
    ]
    times = [moment.timestamp() for moment in candidates if moment is not None]
    return min(times) if times else 0
