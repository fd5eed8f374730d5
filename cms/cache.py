"""Django's Redis cache, degraded to misses when Redis is down: the site keeps serving.

It also keeps one redis client per connection pool: Django builds a new redis.Redis for
every cache call, and each copies redis-py's table of about 170 response callbacks, a
quarter of the time of a page-cache hit. A client is thread-safe and only wraps its pool.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
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
            except RedisError as exc:
                log.warning("Cache %s failed, treated as a miss: %s", method.__name__, exc)
                return miss(*args, **kwargs) if callable(miss) else miss

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (cache unavailable).")


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class DegradingRedisCache(RedisCache):
    """Every read misses and every write is dropped (and logged) while Redis is unreachable."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def redis_client(self):
        """The redis client under the cache, for what Django's cache API lacks (pub/sub)."""
        return self._cache.get_client(write=True)

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
