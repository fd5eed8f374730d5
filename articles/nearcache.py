"""Each worker's own copy of its hottest pages, so most page-cache hits need no network.

A copy is good only while the content version it was made under is still current. Every
new version is published on a Redis channel (articles.cache.bump_version); before using a
copy the worker drains its subscription with a non-blocking read, which costs no round
trip. What it heard is trusted for TRUST_SECONDS after Redis last confirmed it with an
ordinary round trip, so a subscription that dies silently leaves a worker stale for one
second at most; a subscription that fails loudly switches the copies off until it is back.

Only with Redis: a per-process cache is already in the worker's memory.
"""

import collections
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

TRUST_SECONDS = 1.0
RETRY_SECONDS = 5.0
# Headers and bookkeeping of one copy, roughly, next to the body's bytes.
OVERHEAD_BYTES = 1024


class NearCache:
    """Pages by cache key: (version, entry, size), least recently used first."""

    def __init__(self, redis, max_bytes, backend=None, channel=None):
        self.redis = redis
        self.backend = backend  # the cache backend it belongs to (tests swap backends)
        self.channel = channel  # where its versions are published (see channel())
        self.max_bytes = max_bytes
        self.pages = collections.OrderedDict()
        self.size = 0
        self.version = 0
        self.trusted_until = 0.0
        self.subscription = None
        self.retry_at = 0.0
        # Gunicorn's sync workers serve one request at a time; a threaded server must not
        # read the subscription's socket from two threads at once.
        self.lock = threading.Lock()

    def get(self, key):
        """The copy of this page if it was made under the version current now, else None."""
        with self.lock:
            version = self._heard_version()
            found = self.pages.get(key) if version else None
            if found is None or found[0] != version:
                return None
            self.pages.move_to_end(key)
            return found[1]

    def confirm(self, version):
        """A round trip to Redis read `version` as current: trust it for a while."""
        if version:
            with self.lock:
                self._confirm(version)

    def _confirm(self, version):
        now = time.monotonic()
        if self.subscription is None:
            # Subscribed after `version` was read: a bump in between would go unheard, so
            # the next round trip, not this one, confirms.
            if now >= self.retry_at:
                self._subscribe(now)
            return
        self.version = max(self.version, version)
        self.trusted_until = now + TRUST_SECONDS

    def heard(self, version):
        """This process made `version`: no need to wait for its echo on the channel, which
        under load can arrive after this worker's next request."""
        with self.lock:
            self.version = max(self.version, version)

    def put(self, key, version, entry):
        size = len(entry[2]) + OVERHEAD_BYTES
        if size > self.max_bytes // 16:
            return  # one huge page would push out many ordinary ones
        with self.lock:
            self._put(key, version, entry, size)

    def _put(self, key, version, entry, size):
        old = self.pages.pop(key, None)
        if old is not None:
            self.size -= old[2]
        self.pages[key] = (version, entry, size)
        self.size += size
        while self.size > self.max_bytes:
            _, (_, _, dropped) = self.pages.popitem(last=False)
            self.size -= dropped

    def _heard_version(self):
        if self.subscription is None or time.monotonic() >= self.trusted_until:
            return None
        try:
            while (message := self.subscription.get_message(timeout=0.0)) is not None:
                if message["type"] == "message":
                    self.version = max(self.version, int(message["data"]))
        except (RedisError, OSError, ValueError) as exc:
            logger.warning("Content-version subscription lost, copies off: %s", exc)
            self._unsubscribe()
            return None
        return self.version

    def _subscribe(self, now):
        subscription = self.redis().pubsub()
        try:
            subscription.subscribe(self.channel)
            # Wait for Redis to confirm, so no version published from now on is missed.
            confirmed = subscription.get_message(timeout=1.0)
            if not confirmed or confirmed["type"] != "subscribe":
                raise RedisError("no subscription confirmation")
        except (RedisError, OSError) as exc:
            logger.warning("Cannot subscribe to content versions (retrying later): %s", exc)
            _close(subscription)
            self.retry_at = now + RETRY_SECONDS
            return
        self.subscription = subscription
        self.trusted_until = 0.0

    def _unsubscribe(self):
        _close(self.subscription)
        self.subscription = None
        self.retry_at = time.monotonic() + RETRY_SECONDS
        self.trusted_until = 0.0


def _close(subscription):
    try:
        subscription.close()  # gives its connection back to the pool
    except Exception:  # already broken; closing is best effort
        logger.debug("Closing the subscription failed", exc_info=True)


_near = None


def near_cache():
    """This process's NearCache, or None (no Redis, or STANDFIRST_PAGE_CACHE_NEAR_MB = 0).

    Made on first use, so in a gunicorn worker after the fork, never shared between them.
    """
    global _near
    backend = caches["default"]
    max_bytes = settings.STANDFIRST_PAGE_CACHE_NEAR_MB * 1024 * 1024
    redis = getattr(backend, "redis_client", None)
    if not max_bytes or redis is None:
        return None
    name = channel(redis())
    if (
        _near is None
        or _near.backend is not backend
        or _near.max_bytes != max_bytes
        or _near.channel != name
    ):
        _near = NearCache(redis, max_bytes, backend, name)
    return _near


def channel(client):
    """The content-version channel of this site and Redis database: pub/sub ignores database
    numbers, so sites (and test runs) sharing a Redis server must not hear each other."""
    database = client.connection_pool.connection_kwargs.get("db", 0)
    return f"standfirst:content-version:{database}:{settings.SITE_URL}"


def publish(version):
    """Tell every worker of a new content version (no-op without Redis)."""
    redis = getattr(cache, "redis_client", None)
    if redis is not None:
        client = redis()
        client.publish(channel(client), version)
        if _near is not None:
            _near.heard(version)
