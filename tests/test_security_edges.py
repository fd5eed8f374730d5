"""The smaller hardening points: feed links, the admin path, the rate limit without Redis,
the pub/sub channel, Server headers, HSTS preload and the access log."""

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from django.test import override_settings
from gunicorn.config import Config
from gunicorn.glogging import Logger

from articles import comments, nearcache
from articles.models import Comment, Correction
from tests import djangoproc
from tests.commenting import post_comment
from tests.factories import make_article, make_section, make_tag

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://news.example.org"
REDIS_DOWN = "redis://127.0.0.1:1/0"
REDIS_URL = "redis://127.0.0.1:6379/10"  # this suite's Redis database


@pytest.mark.django_db
def test_every_feed_links_from_site_url_never_the_request_host(client, settings):
    settings.SITE_URL = SITE
    section, tag = make_section(slug="news"), make_tag(slug="care")
    article = make_article(section=section, tags=[tag])
    Correction.objects.create(article=article, text="A date was wrong.")
    feeds = [
        "/feed/", "/feed/atom/", "/section/news/feed/", "/section/news/feed/atom/",
        "/tag/care/feed/", "/tag/care/feed/atom/", "/corrections/feed/",
    ]  # fmt: skip
    for url in feeds:
        body = client.get(url, HTTP_HOST="localhost").content.decode()
        links = re.findall(r"<link>([^<]*)</link>|<link [^>]*href=\"([^\"]*)\"", body)
        links = [a or b for a, b in links]
        assert links, url
        assert all(link.startswith(SITE + "/") for link in links), (url, links)
        assert "localhost" not in body, url


def test_the_admin_path_is_one_setting_everywhere():
    result = djangoproc.run(
        """
        from django.conf import settings
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        print(json.dumps({
            "excluded": list(settings.STANDFIRST_PAGE_CACHE_EXCLUDED_PATHS),
            "robots": Client().get("/robots.txt").content.decode(),
        }))
        """,
        {"DJANGO_ADMIN_PATH": "newsroom-7f3k/", "DATABASE_URL": "sqlite:///:memory:"},
    )
    assert "/newsroom-7f3k/" in result["excluded"] and "/admin/" not in result["excluded"]
    # robots.txt never names the admin: a moved path stays unlisted.
    assert "newsroom" not in result["robots"] and "admin" not in result["robots"]


@pytest.mark.django_db
def test_the_comment_limit_holds_while_redis_is_down(client):
    article = make_article()
    location = {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": REDIS_DOWN}
    with override_settings(CACHES={"default": location}, STANDFIRST_COMMENT_RATE_LIMIT=2):
        statuses = [
            post_comment(client, article, email=f"r{n}@example.net", ip="198.51.100.9").status_code
            for n in range(4)
        ]
    assert statuses == [303, 303, 429, 429]
    assert Comment.objects.count() == 2


def test_the_fallback_counter_starts_a_new_window_and_stays_bounded(monkeypatch):
    counts = comments._LocalCounts()  # noqa: SLF001 - the fallback itself
    monkeypatch.setattr(counts, "MAX_KEYS", 3)
    assert [counts.count("a", 60) for _ in range(3)] == [1, 2, 3]
    assert counts.count("a", 0) == 1  # the window is over
    for key in "bcde":
        counts.count(key, 60)
    assert len(counts.windows) == 3


def test_the_content_version_channel_is_per_database_and_site(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running")
    ten, eleven = redis.Redis.from_url(REDIS_URL), redis.Redis.from_url(REDIS_URL[:-2] + "11")
    settings.SITE_URL = SITE
    names = {nearcache.channel(ten), nearcache.channel(eleven)}
    settings.SITE_URL = "https://other.example.org"
    names.add(nearcache.channel(ten))
    assert len(names) == 3
    # What a worker publishes goes out on its own channel only.
    listener = ten.pubsub()
    listener.subscribe(nearcache.channel(ten))
    assert listener.get_message(timeout=1.0)["type"] == "subscribe"
    location = {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": REDIS_URL}
    with override_settings(CACHES={"default": location}):
        # Each worker's copies listen where this site publishes (followed if it moves).
        assert nearcache.near_cache().channel == nearcache.channel(ten)
        nearcache.publish(42)
    message = listener.get_message(timeout=1.0)
    listener.close()
    assert message["type"] == "message" and message["data"] == b"42"


def test_no_server_header_names_a_version():
    import gunicorn

    assert "/" not in gunicorn.SERVER and gunicorn.__version__ not in gunicorn.SERVER
    nginx = (ROOT / "deploy" / "nginx-frontcache.conf").read_text()
    assert re.search(r"^\s*server_tokens off;", nginx, re.MULTILINE)
    # Varnish: tests/test_edge_varnish.py checks the headers of a real varnishd.


@pytest.mark.parametrize(("env", "preload"), [({}, False), ({"DJANGO_HSTS_PRELOAD": "on"}, True)])
def test_hsts_preload_only_when_configured(env, preload):
    header = djangoproc.run(
        """
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        print(json.dumps(Client().get("/healthz", secure=True)["Strict-Transport-Security"]))
        """,
        djangoproc.PRODUCTION | {"DATABASE_URL": "sqlite:///:memory:"} | env,
    )
    assert header.startswith("max-age=31536000; includeSubDomains")
    assert ("preload" in header) is preload


def test_the_access_log_writes_no_client_address():
    config = Config()
    namespace = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own config
    config.set("access_log_format", namespace["access_log_format"])
    environ = {
        "REMOTE_ADDR": "198.51.100.23",
        "HTTP_X_FORWARDED_FOR": "203.0.113.45",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "",
    }
    request = SimpleNamespace(
        headers=[("X-FORWARDED-FOR", "203.0.113.45")], method="GET", path="/", query="",
        uri="/", version=(1, 1),
    )  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    atoms = Logger(config).atoms(response, request, environ, timedelta(milliseconds=3))
    line = config.access_log_format % atoms
    assert "GET / HTTP/1.1" in line and " 200 " in line
    assert "198.51.100.23" not in line and "203.0.113.45" not in line
