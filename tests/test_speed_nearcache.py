"""Each worker's own copies of hot pages: no round trip on a hit, never stale past a change.

Runs against the real Redis on 127.0.0.1 (the CI starts it), database 15; skipped without it.
"""

import time

import pytest
import redis

from articles import cache as content_cache
from articles import nearcache
from articles.models import Article, SiteSettings
from tests.factories import make_article

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).flushdb()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": REDIS_URL}
    }
    settings.STANDFIRST_PAGE_CACHE = True
    settings.STANDFIRST_PAGE_CACHE_NEAR_MB = 16
    nearcache._near = None
    SiteSettings.load()
    yield
    near = nearcache._near
    if near is not None and near.subscription is not None:
        near.subscription.close()
    nearcache._near = None
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the page cache's round trips to Redis."""
    calls = []
    real = content_cache.get_page

    def counted(key, *args, **kwargs):
        calls.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(content_cache, "get_page", counted)
    return calls


def warm(client, url):
    """Render, then two hits: the first subscribes, the second is confirmed and trusted."""
    first = client.get(url)
    client.get(url)
    client.get(url)
    return first


def change_elsewhere(article, headline, publish=True):
    """What another worker's save does: the row changes, its key's version and the content
    version are bumped."""
    Article.objects.filter(pk=article.pk).update(headline=headline)
    content_cache.bump_keys([f"article-{article.pk}"])
    if publish:
        content_cache.bump_version()
    else:  # the version moves, but this worker's subscription never hears of it
        content_cache.cache.incr(content_cache.VERSION_KEY)


def test_hits_come_from_the_workers_copy_without_a_round_trip(
    redis_cache, client, round_trips, django_assert_num_queries
):
    article = make_article(headline="Near headline")
    url = article.get_absolute_url()
    first = warm(client, url)
    round_trips.clear()
    with django_assert_num_queries(0):
        hits = [client.get(url) for _ in range(3)]
        not_modified = client.get(url, headers={"if-none-match": first["ETag"]})
    assert round_trips == []
    assert all(hit.content == first.content and hit["ETag"] == first["ETag"] for hit in hits)
    assert not_modified.status_code == 304


def test_a_change_made_by_another_worker_is_heard_at_once(redis_cache, client):
    article = make_article(headline="Before the change")
    url = article.get_absolute_url()
    warm(client, url)
    change_elsewhere(article, "Changed in another worker")
    # Published on the channel: heard on the next request, long before TRUST_SECONDS.
    deadline = time.monotonic() + 0.2
    while b"Changed in another worker" not in client.get(url).content:
        assert time.monotonic() < deadline, "the change was not heard"
        time.sleep(0.01)


def test_a_silent_subscription_is_trusted_for_one_second_at_most(redis_cache, client, monkeypatch):
    article = make_article(headline="Before the change")
    url = article.get_absolute_url()
    warm(client, url)
    change_elsewhere(article, "Changed, never announced", publish=False)
    later = time.monotonic() + nearcache.TRUST_SECONDS + 0.01
    monkeypatch.setattr(nearcache.time, "monotonic", lambda: later)
    assert b"Changed, never announced" in client.get(url).content


def test_a_broken_subscription_turns_the_copies_off(redis_cache, client, round_trips):
    article = make_article(headline="Before the change")
    url = article.get_absolute_url()
    warm(client, url)

    def broken(**kwargs):
        raise redis.ConnectionError("Connection reset by peer")

    nearcache._near.subscription.get_message = broken
    change_elsewhere(article, "Changed while deaf", publish=False)
    round_trips.clear()
    assert b"Changed while deaf" in client.get(url).content
    assert round_trips and nearcache._near.subscription is None


def test_without_redis_there_are_no_copies(settings):
    settings.STANDFIRST_PAGE_CACHE_NEAR_MB = 16
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert nearcache.near_cache() is None


def test_copies_are_bounded_and_least_recently_used_go_first():
    near = nearcache.NearCache(redis=None, max_bytes=64 * 1024)
    page = (200, {}, b"x" * 2000, None, time.time() + 60)
    for n in range(100):
        near.put(f"page-{n}", 1, page)
    assert near.size <= near.max_bytes
    assert "page-99" in near.pages and "page-0" not in near.pages
    near.put("huge", 1, (200, {}, b"x" * 10_000, None, 0))
    assert "huge" not in near.pages  # larger than a sixteenth of the space


def test_the_version_told_to_the_copies_is_exact(redis_cache, client):
    """Versions start from the clock (above 2**53, where a double cannot hold every integer):
    a version rounded on its way to the copies would leave them trusting pages made
    before the change."""
    url = make_article().get_absolute_url()
    warm(client, url)
    for _ in range(3):
        content_cache.bump_version()
        assert nearcache._near.version == content_cache.current_version() > 2**53
