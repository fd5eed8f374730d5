"""The reader's IP address, for rate limits and login lockout, when the site sits behind proxies.

Behind a proxy or CDN, REMOTE_ADDR is the proxy's address, so a per-IP limit would throttle
every reader together. Each proxy appends the address it saw to X-Forwarded-For, but anyone
can send that header: it is read only when the socket peer is one of TRUSTED_PROXIES
(env DJANGO_TRUSTED_PROXIES, networks in CIDR form, as gunicorn's FORWARDED_ALLOW_IPS).
Walking the header from the right, the first address that is not a trusted proxy is the
client; everything further left is whatever the client sent. A request straight to gunicorn
from anywhere else is judged by its socket address. Login lockout (axes) and the comment and
report limits all use this one function.
"""

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=4)
def _networks(proxies):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(address):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _is_trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    peer = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    hop = _parse(peer)
    if not _is_trusted(hop, networks):
        return peer
    for entry in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        address = _parse(entry)
        if address is None:
            break  # garbage a trusted proxy passed on: the last proxy's address answers
        hop = address
        if not _is_trusted(hop, networks):
            break
    return str(hop)
