"""The Redis cache (django-redis), degraded to misses when Redis is down: the site keeps serving.

django-redis keeps one redis client per server and hands it out through its public
`client` (Django's own backend builds a new redis.Redis, with its table of response
callbacks, for every call: about twice the cost of a lookup). This module adds only the
degrading: every read misses and every write is dropped (and logged) while Redis is
unreachable, with Django's own answers for a miss (incr on a missing key raises ValueError,
which the rate limit and the version counters take as "count here instead").
"""

import functools
import logging

from django_redis.cache import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Seconds to wait for Redis before treating an operation as a miss.
SOCKET_TIMEOUT = 0.25


def _degrade(miss):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:  # OSError: a socket timeout
                log.warning("Cache %s failed, treated as a miss: %s", method.__name__, exc)
                return miss(*args, **kwargs) if callable(miss) else miss

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (cache unavailable).")


class DegradingRedisCache(RedisCache):
    """django-redis's cache, with a miss (not an error) for every call while Redis is down."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("SOCKET_CONNECT_TIMEOUT", SOCKET_TIMEOUT)
        options.setdefault("SOCKET_TIMEOUT", SOCKET_TIMEOUT)
        super().__init__(server, params)

    def redis_client(self):
        """The redis client under the cache, for what Django's cache API lacks (pub/sub)."""
        return self.client.get_client(write=True)

    get = _degrade(_default)(RedisCache.get)
    set = _degrade(None)(RedisCache.set)
    add = _degrade(False)(RedisCache.add)
    touch = _degrade(False)(RedisCache.touch)
    delete = _degrade(False)(RedisCache.delete)
    has_key = _degrade(False)(RedisCache.has_key)
    get_many = _degrade({})(RedisCache.get_many)
    set_many = _degrade(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _degrade(None)(RedisCache.delete_many)
    clear = _degrade(False)(RedisCache.clear)
    # A missing key is what incr/decr report for a miss.
    incr = _degrade(_missing)(RedisCache.incr)
    decr = _degrade(_missing)(RedisCache.decr)
