"""The article page's own parts, rendered once and kept while nothing they show changes.

Most of an article page's render is the article itself: its bylines, tags, callouts,
corrections, related block, metadata and body. Those parts are kept in the cache with the
versions of the surrogate keys they show (articles.surrogate, articles.cache), except that
they depend on the article's text key, not its page key: a comment moderated re-renders
the comments section only. So does a page-cache miss after any change that leaves the
article alone, and every request while the page cache is off.

Never kept: whether the article may be seen (the view's query decides each time), the
comments section and the comment form, and previews. A part lives no longer than the
page cache's lifetime, nor past the next scheduled change, and a legal change deletes it.
"""

import time

from django.conf import settings
from django.db import transaction

from articles import cache as content_cache

PREFIX = "standfirst:fragment:article:"


def _key(pk):
    return f"{PREFIX}{pk}"


def enabled():
    return settings.STANDFIRST_FRAGMENT_CACHE


def get(article):
    """(parts, version): the stored parts of this article's page if still current, else
    (None, version) to render and store them under."""
    parts, version, _ = content_cache.get_page(_key(article.pk), _timeout(), grace=0)
    if parts is None or parts["version"] != article.version or parts["until"] <= time.time():
        return None, version
    return parts, version


def store(article, version, parts, depends, lifetime):
    """Keep `parts` (a dict of rendered HTML and the page's surrogate keys) while the keys
    in `depends` are unchanged, for at most `lifetime` seconds."""
    lifetime = min(lifetime, _timeout())
    parts = parts | {"version": article.version, "until": time.time() + lifetime}
    content_cache.set_page(_key(article.pk), parts, version, int(lifetime) + 1, depends)


def forget(article_ids):
    """Delete the stored parts of these articles now and once the change commits, so no
    copy of a redacted or withdrawn text stays in the cache, even unreachable."""
    keys = [_key(pk) for pk in article_ids]
    if keys:
        content_cache.delete_pages(keys)
        transaction.on_commit(lambda: content_cache.delete_pages(keys))


def _timeout():
    return settings.STANDFIRST_PAGE_CACHE_TIMEOUT
