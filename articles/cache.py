"""The site content version, and values cached only while it is current.

Every change event (articles.signals) bumps one number in the cache; cached pages and the
per-page context remember the version they were made under and are ignored once it moves on.
Invalidation is therefore instant and tracks no keys. A value and the current version are
fetched together (one cache round trip: Redis MGET), which keeps a page-cache hit cheap.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from articles import nearcache

logger = logging.getLogger(__name__)

VERSION_KEY = "standfirst:content-version"
NEXT_CHANGE_KEY = "standfirst:next-change"


def _new_version():
    # A clock-based start: a version key lost to eviction never comes back as an old number.
    return time.time_ns()


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), None)
        version = cache.get(VERSION_KEY)
    return version


def bump_version():
    """A new content version, told at once to every worker's copies (articles.nearcache)."""
    try:
        try:
            version = cache.incr(VERSION_KEY)
        except ValueError:  # missing (first change, or evicted)
            version = _new_version()
            cache.set(VERSION_KEY, version, None)
        nearcache.publish(version)
    except Exception:  # an unreachable cache must not fail an editor's save
        logger.exception("Could not bump the content version; cached pages may be stale")


def content_changed():
    """Invalidate everything cached, now and again when the transaction commits.

    The first bump makes the change visible at once to code that reads in the same
    transaction; the one after commit stops a request that rendered the old rows while the
    transaction was open from storing them under the new version.
    """
    bump_version()
    transaction.on_commit(bump_version)


def get_current(key):
    """(value, version): the value if it was stored under the current version, else None.

    (None, None) when the cache is unreachable: pages then render, uncached, instead of failing.
    """
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception:
        logger.warning("Cache unreachable; serving uncached", exc_info=True)
        return None, None
    version = found.get(VERSION_KEY)
    if version is None:
        return None, current_version()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1], version
    return None, version


def set_current(key, value, version, timeout):
    if version is None:
        return
    try:
        cache.set(key, (version, value), timeout)
    except Exception:
        logger.warning("Cache unreachable; not stored", exc_info=True)


def seconds_to_next_change(version, next_change):
    """Seconds until a scheduled article, expiry or callout changes what the public sees.

    None when nothing is scheduled. `next_change()` (a few indexed MIN lookups, returning a
    Unix time or 0) runs at most once per content version and per scheduled time passing;
    its answer is read from the cache otherwise.
    """
    now = time.time()
    when, _ = get_current(NEXT_CHANGE_KEY)
    if when is None or (when and when <= now):
        when = next_change()
        set_current(NEXT_CHANGE_KEY, when, version, None)
    return when - now if when else None


def derived_timeout():
    """How long derived data (site settings, the sections menu, policy links) may be cached.

    Until invalidated when every worker shares Redis; briefly in a per-process cache, which
    never hears another worker's invalidation (nothing in one worker's memory may be needed
    by another).
    """
    return None if settings.REDIS_URL else 30
