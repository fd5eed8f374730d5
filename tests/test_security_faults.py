"""Faults: the database or Redis is unreachable. Readers get a 503 or a page, never a 500."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests import djangoproc
from tests.factories import make_article

CLOSED_PORT = 1  # nothing listens on tcpmux; connections are refused at once
DB_DOWN = {
    "postgres": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/standfirst_security",
    "sqlite": "sqlite:////nonexistent-directory/standfirst.sqlite3",
}
REDIS_DOWN = f"redis://127.0.0.1:{CLOSED_PORT}/5"


@pytest.mark.parametrize("engine", DB_DOWN)
def test_database_down_gives_a_static_503_with_retry_after(engine):
    result = djangoproc.run(
        """
        client = Client(raise_request_exception=False)
        out = {}
        for url in ["/", "/2024/01/02/some-article/", "/section/news/", "/admin/login/"]:
            r = client.get(url)
            out[url] = [r.status_code, r.get("Retry-After"), r.content.decode(),
                        r.get("Content-Security-Policy", "")]
        health = client.get("/healthz")
        out["healthz"] = [health.status_code, health.json()]
        print(json.dumps(out))
        """,
        {"DATABASE_URL": DB_DOWN[engine], "DJANGO_DEBUG": "0"},
    )
    health = result.pop("healthz")
    for url, (status, retry_after, body, csp) in result.items():
        assert status == 503, url
        assert retry_after == "30"
        assert "Temporarily unavailable" in body
        assert "/static/css/error.css" in body
        assert "script-src" in csp
    assert health == [503, {"status": "degraded", "database": "down", "cache": "ok"}]


def test_postgres_connections_give_up_fast():
    from cms.settings import database_from_url

    options = database_from_url("postgres://u@db.example/x")["OPTIONS"]
    assert options["connect_timeout"] == 3
    assert database_from_url("postgres://u@h/x?connect_timeout=10")["OPTIONS"] == {
        "connect_timeout": 10
    }


def test_cached_pages_still_serve_while_the_database_is_down(tmp_path):
    result = djangoproc.run(
        """
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone
        from articles.models import Article, SiteSettings
        call_command("migrate", verbosity=0)
        SiteSettings.load()  # a running site has its settings row
        article = Article.objects.create(
            headline="Cached while down", slug="cached", standfirst="S.", body="B.",
            status="published", published_at=timezone.now())
        client = Client(raise_request_exception=False)
        warm = client.get(article.get_absolute_url())
        connection.close()
        connection.settings_dict["NAME"] = "/nonexistent-directory/x.sqlite3"
        cached = client.get(article.get_absolute_url())
        uncached = client.get("/section/never-visited/")
        print(json.dumps([warm.status_code, cached.status_code,
                          "Cached while down" in cached.content.decode(),
                          uncached.status_code]))
        """,
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "DJANGO_DEBUG": "0",
            "STANDFIRST_PAGE_CACHE": "on",  # one process: its local cache is the shared one
        },
    )
    assert result == [200, 200, True, 503]


@pytest.fixture
def redis_down():
    location = {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": REDIS_DOWN}
    with override_settings(CACHES={"default": location}):
        yield cache


@pytest.mark.django_db
def test_redis_down_degrades_to_misses(redis_down):
    assert redis_down.get("k", "default") == "default"
    redis_down.set("k", "v")
    assert redis_down.add("k", "v") is False
    assert redis_down.get_many(["a", "b"]) == {}
    assert redis_down.set_many({"a": 1}) == ["a"]
    assert redis_down.get_or_set("k", "computed") == "computed"
    with pytest.raises(ValueError, match="not found"):
        redis_down.incr("counter")
    redis_down.delete("k")
    redis_down.delete_many(["a"])
    assert redis_down.has_key("k") is False
    redis_down.clear()


@pytest.mark.django_db
def test_redis_down_pages_still_serve_and_healthz_says_so(client, redis_down):
    article = make_article()
    for url in ["/", article.get_absolute_url()]:
        assert client.get(url).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "cache": "down"}


def test_redis_url_selects_the_degrading_cache_and_pages_serve():
    result = djangoproc.run(
        """
        from django.core.cache import caches
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        print(json.dumps([type(caches["default"]).__name__, Client().get("/").status_code]))
        """,
        {"REDIS_URL": REDIS_DOWN, "DATABASE_URL": "sqlite:///:memory:"},
    )
    assert result == ["DegradingRedisCache", 200]


@pytest.mark.django_db
def test_redis_up_is_a_real_shared_cache():
    location = {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": "redis://127.0.0.1:6379/5"}
    with override_settings(CACHES={"default": location}):
        try:
            cache.set("security-probe", "here", 10)
        finally:
            value = cache.get("security-probe")
            cache.delete("security-probe")
    if value is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert value == "here"
