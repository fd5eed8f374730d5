"""The site content version, the versions of surrogate keys, and values cached only while
they are current.

Every change event (articles.signals) bumps the versions of the surrogate keys it touched
(articles.surrogate), then one site-wide content version. A value is stored with the
content version it was made under and, for pages, the versions of the keys it shows. While
the content version has not moved, a value and the version are fetched together (one
round trip: Redis MGET), which keeps a hit cheap. Once it has moved, a page whose keys are
all unchanged is still good: one more round trip proves it, and the page is stored again
under the new version instead of being rendered again. So a change re-renders only the
pages that show it, and a hot page re-renders once: while one request renders it, the
others get the previous copy for a few seconds (never after a legal change).

Pages (and their render locks) may live in a cache of their own, the "pages" alias
(STANDFIRST_PAGE_CACHE_REDIS_URL): a Redis whose maxmemory is the page cache's budget and
whose policy evicts any key, while the versions, the counters and derived data stay in the
default cache, where nothing is evicted. A hit then costs two round trips instead of one
(most hits are answered from the worker's own copies, articles.nearcache).
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

from articles import nearcache

logger = logging.getLogger(__name__)

VERSION_KEY = "standfirst:content-version"
NEXT_CHANGE_KEY = "standfirst:next-change"
KEY_VERSION_PREFIX = "standfirst:key-version:"
LEGAL_VERSION_PREFIX = "standfirst:legal-version:"
RENDER_LOCK_PREFIX = "standfirst:rendering:"


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
            cache.incr(VERSION_KEY)
            # Read back rather than trust incr's answer: django-redis increments in a Lua
            # script, whose numbers are doubles, so above 2**53 (our clock-based versions)
            # the answer is rounded, and a rounded-down version would keep stale copies.
            version = cache.get(VERSION_KEY)
        except ValueError:  # missing (first change, or evicted)
            version = _new_version()
            cache.set(VERSION_KEY, version, None)
        if version is not None:  # None: the cache went away between the two calls
            nearcache.publish(version)
    except Exception:  # an unreachable cache must not fail an editor's save
        logger.exception("Could not bump the content version; cached pages may be stale")


def _pages():
    """Where pages are stored: their own cache when configured, else the default one."""
    return caches["pages"] if "pages" in settings.CACHES else cache


def _key_versions(keys):
    return [KEY_VERSION_PREFIX + key for key in keys]


def _legal_versions(keys):
    return [LEGAL_VERSION_PREFIX + key for key in keys]


def _bump(name):
    try:
        cache.incr(name)
    except ValueError:  # never bumped, or evicted
        cache.set(name, _new_version(), None)


def bump_keys(keys, legal=False):
    """New versions for these surrogate keys (and their legal versions, for a legal
    change); always before the content version moves, so no reader revalidates a page
    against key versions that are about to change."""
    names = _key_versions(keys) + (_legal_versions(keys) if legal else [])
    for name in names:
        try:
            _bump(name)
        except Exception:
            logger.exception("Could not bump a key version; cached pages may be stale")


def content_changed(keys, legal=False):
    """Invalidate what shows `keys` (surrogate keys), now and again when the transaction
    commits.

    The first bump makes the change visible at once to code that reads in the same
    transaction; the one after commit stops a request that rendered the old rows while the
    transaction was open from storing them under the new versions.
    """

    def bump():
        bump_keys(keys, legal)
        bump_version()

    bump()
    transaction.on_commit(bump)


def get_current(key):
    """(value, version): the value if it was stored under the current version, else None.

    (None, None) when the cache is unreachable: callers then work uncached.
    """
    value, version, _ = _get(cache, key, timeout=None, grace=0)
    return value, version


def get_page(key, timeout, grace):
    """(value, version, fresh) for a cached page.

    The value if it was stored under the current content version, or under an older one
    with every key it shows unchanged (then stored again under the current one, for
    `timeout` seconds). If a key changed, the first request renders the page anew; for
    `grace` seconds the others get the previous copy (fresh=False) instead of rendering it
    too, unless the change was a legal one. (None, None, True) when the cache is
    unreachable: pages then render, uncached, instead of failing.
    """
    return _get(_pages(), key, timeout, grace)


def _get(pages, key, timeout, grace):
    try:
        if pages is cache:
            found = cache.get_many([VERSION_KEY, key])
            version, entry = found.get(VERSION_KEY), found.get(key)
        else:
            version, entry = cache.get(VERSION_KEY), pages.get(key)
        if version is None:
            return None, current_version(), True
        if entry is None:
            return None, version, True
        if entry[0] == version:
            return entry[1], version, True
        depends = entry[2] if len(entry) > 2 else None
        if not depends:
            return None, version, True
        state = _state(depends)
        if state == "unchanged":
            pages.set(key, (version, entry[1], depends), timeout)
            return entry[1], version, True
        if state == "changed" and grace and not pages.add(RENDER_LOCK_PREFIX + key, 1, grace):
            return entry[1], version, False  # another request is rendering it
    except Exception:
        logger.warning("Cache unreachable; serving uncached", exc_info=True)
        return None, None, True
    return None, version, True


def _state(depends):
    """ "unchanged", "changed" (an ordinary change), or "legal" (a legal change touched it)."""
    names = list(depends)
    current = cache.get_many(_key_versions(names) + _legal_versions(names))
    legal = any(current.get(LEGAL_VERSION_PREFIX + n) != depends[n][1] for n in names)
    if legal:
        return "legal"
    same = all(current.get(KEY_VERSION_PREFIX + n) == depends[n][0] for n in names)
    return "unchanged" if same else "changed"


def set_current(key, value, version, timeout):
    """Store a value made under `version` (good until the content version moves)."""
    _set(cache, key, value, version, timeout)


def set_page(key, value, version, timeout, keys):
    """Store a page made under `version` with the versions of the surrogate keys it shows,
    read now, so it outlives changes that touch none of them. Nothing is stored with keys if
    the content version moved while the page was being made."""
    _set(_pages(), key, value, version, timeout, keys)


def delete_pages(keys):
    """Delete stored pages (or parts of pages) outright; an unreachable cache holds none."""
    try:
        _pages().delete_many(keys)
    except Exception:
        logger.warning("Cache unreachable; nothing deleted", exc_info=True)


def _set(store, key, value, version, timeout, keys=()):
    if version is None:
        return
    try:
        entry = (version, value)
        if keys:
            names = sorted(keys)
            found = cache.get_many([VERSION_KEY, *_key_versions(names), *_legal_versions(names)])
            if found.get(VERSION_KEY) == version:
                depends = {
                    n: (found.get(KEY_VERSION_PREFIX + n), found.get(LEGAL_VERSION_PREFIX + n))
                    for n in names
                }
                entry = (version, value, depends)
            store.delete(RENDER_LOCK_PREFIX + key)
        store.set(key, entry, timeout)
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
