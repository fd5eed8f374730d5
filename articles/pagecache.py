"""The outermost middleware: whole public pages from the cache, and headers a CDN can trust.

It runs before sessions, auth and CSRF, so a hit costs one cache round trip and no SQL. It
stores the final response, after every inner middleware added its headers. Only anonymous
GET/HEAD requests for public paths are served or stored; anything with a session cookie,
an Authorization header, a Set-Cookie, a Vary or a private/no-cache Cache-Control passes by
untouched (and is marked private when nothing else said how to cache it).
"""

import hashlib
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from articles import cache as content_cache

# Headers a 304 repeats from the full response (RFC 9110 section 15.4.5).
NOT_MODIFIED_HEADERS = ("Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary")


def _etag_matches(header, etag):
    if header.strip() == "*":
        return True
    weak = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == weak for tag in header.split(","))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.STANDFIRST_PAGE_CACHE
        self.timeout = settings.STANDFIRST_PAGE_CACHE_TIMEOUT
        self.public_cache_control = settings.STANDFIRST_PUBLIC_CACHE_CONTROL
        self.statuses = frozenset(settings.STANDFIRST_PAGE_CACHE_STATUSES)
        self.excluded = tuple(settings.STANDFIRST_PAGE_CACHE_EXCLUDED_PATHS)
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        if not self._is_public_request(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        key = None
        if self.enabled:
            key = self._key(request)
            entry, version = content_cache.get_current(key)
            if entry is not None and time.time() < entry[4]:
                return self._from_entry(request, entry)

        response = self.get_response(request)
        if not self._is_shareable(response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        self._add_public_headers(response)
        if key is not None and version is not None:
            self._store(key, version, response)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )

    def _is_public_request(self, request):
        return (
            request.method in ("GET", "HEAD")
            and self.session_cookie not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(self.excluded)
        )

    def _key(self, request):
        # Scheme and host are part of the page: a redirect to https or another host must
        # never be answered to the wrong request. The host was validated when the entry
        # was stored (a bad host never produces a storable response).
        raw = "{}://{}{}?{}".format(
            request.META.get("HTTP_X_FORWARDED_PROTO", request.META.get("wsgi.url_scheme")),
            request.META.get("HTTP_HOST", ""),
            request.path,
            request.META.get("QUERY_STRING", ""),
        )
        return "standfirst:page:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()

    def _is_shareable(self, response):
        if response.status_code not in self.statuses or response.streaming:
            return False
        if response.cookies or response.has_header("Vary"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-cache", "no-store"))

    def _add_public_headers(self, response):
        response["Cache-Control"] = self.public_cache_control
        if not response.has_header("ETag"):
            digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
            response["ETag"] = f'"{digest}"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()

    def _store(self, key, version, response):
        lifetime = self.timeout
        until_change = content_cache.seconds_to_next_change(version)
        if until_change is not None:
            lifetime = min(lifetime, until_change)
        entry = (
            response.status_code,
            dict(response.items()),
            response.content,
            parse_http_date_safe(response["Last-Modified"]),
            time.time() + lifetime,
        )
        # Cache backends count whole seconds; the entry's own deadline is exact.
        content_cache.set_current(key, entry, version, int(lifetime) + 1)

    def _from_entry(self, request, entry):
        status, headers, body, last_modified, _ = entry
        if status == 200 and self._client_is_current(request, headers["ETag"], last_modified):
            return self._not_modified(headers)
        return HttpResponse(body, status=status, headers=headers)

    def _client_is_current(self, request, etag, last_modified):
        """Conditional GET as RFC 9110 orders it: If-None-Match wins over If-Modified-Since."""
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            return _etag_matches(if_none_match, etag)
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and last_modified is not None and last_modified <= since

    def _not_modified(self, headers):
        response = HttpResponseNotModified()
        for name in NOT_MODIFIED_HEADERS:
            if name in headers:
                response[name] = headers[name]
        return response
