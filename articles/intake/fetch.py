"""Fetching an original from the web, safely: the one way intake reaches the network.

Only http and https. The host is resolved first and every address checked: private,
loopback, link-local, multicast, reserved and unspecified addresses are refused (SSRF),
unless the host is named in settings.STANDFIRST_INTAKE_ALLOWED_HOSTS. The connection goes
to the address that was checked (no second lookup to rebind). Each redirect target is
checked the same way, up to MAX_REDIRECTS; connect and read timeouts, a size cap and a
content-type check apply to every response. post() sends a webhook the same guarded way
(articles.deliveries), following no redirect at all.

A conditional fetch (the source watch re-reading an original, a feed poll) sends the
validators of the last answer (If-None-Match, If-Modified-Since); a 304 comes back as a
Fetched with status 304 and no data, and every other rule applies unchanged.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 10
MAX_BYTES = 5_000_000
MAX_REDIRECTS = 5
USER_AGENT = "Standfirst-intake/1 (+republishing with attribution)"
# What a URL import may receive, and which parser reads it.
MEDIA_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/json": "ninjs",
    "application/ld+json": "ninjs",
    "application/xml": "newsml",
    "text/xml": "newsml",
    "application/vnd.iptc.g2.newsitem+xml": "newsml",
    "text/plain": "text",
    # RSS or Atom holding one item (a feed item's snapshot); a feed of several is refused
    # with a pointer to feed subscriptions (articles.intake.feeds).
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
}
ARTICLE = "an article (HTML, ninjs JSON, NewsML-G2 XML or plain text)"


class FetchRefused(ValueError):
    """The URL may not be fetched, or what came back is not a document we take.
    `status` is the HTTP status when the server answered with an error (404, 410, 503)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


@dataclass
class Fetched:
    url: str  # after redirects
    media_type: str
    charset: str
    data: bytes
    status: int = 200
    etag: str = ""  # the validators to send on the next conditional fetch
    last_modified: str = ""


def fetch(url, *, etag="", last_modified="", accept=MEDIA_TYPES, what=ARTICLE):
    """GET `url` within the limits above; raises FetchRefused with the reason. With `etag`
    or `last_modified` (from an earlier Fetched) the request is conditional. Only the
    media types in `accept` are taken (a feed subscription's differ); `what` names them
    in the refusal."""
    conditional = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    conditional = {name: value for name, value in conditional.items() if _header_value(value)}
    for _ in range(MAX_REDIRECTS + 1):
        response, connection = _get(url, {"Accept": ", ".join(accept), **conditional})
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchRefused(f"{url} redirects without saying where.")
                url = urljoin(url, location)
                continue
            if response.status == 304 and conditional:
                return Fetched(url, "", "", b"", 304, etag, last_modified)
            if response.status != 200:
                raise FetchRefused(
                    f"{url} answered {response.status} {response.reason}.", response.status
                )
            return _read(url, response, accept, what)
        finally:
            connection.close()
    raise FetchRefused(f"The URL redirects more than {MAX_REDIRECTS} times.")


def check_address(host, port, allowed=None, purpose="intake fetches only public web sites"):
    """The address to connect to for `host`, or FetchRefused when it is not public.
    `allowed`: the hosts exempt from the check (STANDFIRST_INTAKE_ALLOWED_HOSTS unless given)."""
    if allowed is None:
        allowed = settings.STANDFIRST_INTAKE_ALLOWED_HOSTS
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"The host {host} cannot be found.") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if host.lower() not in {h.lower() for h in allowed}:
        for address in addresses:
            if not address.is_global or address.is_multicast:
                raise FetchRefused(
                    f"The host {host} is a private or local address ({address}): {purpose}."
                )
    return str(addresses[0])


def _get(url, headers):
    connection, path = _connect(url)
    try:
        connection.request(
            "GET",
            path,
            headers={"User-Agent": USER_AGENT, **headers},
        )
        connection.sock.settimeout(READ_TIMEOUT)
        return connection.getresponse(), connection
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise FetchRefused(f"{connection.host} could not be reached ({exc}).") from exc


def check_url(url):
    """FetchRefused unless `url` is an http(s) URL without credentials; returns its parts."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused("Only http:// and https:// URLs can be fetched.")
    if parts.username or parts.password:
        raise FetchRefused("A URL with a user name or password is refused.")
    return parts


def _connect(url, **check):
    """An unopened connection pinned to the checked address of `url`'s host, and the path
    to ask for; `check` goes to check_address."""
    parts = check_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = check_address(parts.hostname, port, **check)
    if parts.scheme == "https":
        connection = _PinnedHTTPS(parts.hostname, address, port, timeout=CONNECT_TIMEOUT)
    else:
        connection = _PinnedHTTP(parts.hostname, address, port, timeout=CONNECT_TIMEOUT)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return connection, path


def post(url, body, headers, *, keep=500, **check):
    """POST `body` to `url` once, with the same address checks and timeouts as fetch(),
    following no redirect; returns (status, reason, the first `keep` characters of the
    answer). `check` goes to check_address (allowed=, purpose=)."""
    connection, path = _connect(url, **check)
    try:
        connection.request("POST", path, body=body, headers={"User-Agent": USER_AGENT, **headers})
        connection.sock.settimeout(READ_TIMEOUT)
        response = connection.getresponse()
        answer = response.read(keep * 4).decode("utf-8", "replace")[:keep]
        return response.status, response.reason, answer
    except (OSError, http.client.HTTPException) as exc:
        raise FetchRefused(f"{connection.host} could not be reached ({exc}).") from exc
    finally:
        connection.close()


def _read(url, response, accept, what):
    media_type, _, params = (response.getheader("Content-Type") or "").partition(";")
    media_type = media_type.strip().lower()
    if media_type not in accept:
        raise FetchRefused(f"{url} sent {media_type or 'no content type'}, not {what}.")
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > MAX_BYTES:
        raise FetchRefused(f"The document is larger than {MAX_BYTES:,} bytes.")
    try:
        data = response.read(MAX_BYTES + 1)
    except (OSError, http.client.HTTPException) as exc:
        raise FetchRefused(f"Reading {url} failed ({exc}).") from exc
    if len(data) > MAX_BYTES:
        raise FetchRefused(f"The document is larger than {MAX_BYTES:,} bytes.")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"')
    return Fetched(
        url=url,
        media_type=media_type,
        charset=charset,
        data=data,
        etag=_header_value(response.getheader("ETag")),
        last_modified=_header_value(response.getheader("Last-Modified")),
    )


def _header_value(value):
    """A validator we may send back: short, printable ASCII (no header injection)."""
    value = (value or "").strip()
    ok = len(value) <= 200 and value.isascii() and value.isprintable()
    return value if ok else ""


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to the address that was checked, naming the host in Host:."""

    def __init__(self, host, address, port, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As _PinnedHTTP, with TLS verified against the host name (SNI)."""

    def __init__(self, host, address, port, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
