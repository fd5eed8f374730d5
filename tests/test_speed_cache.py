"""The page cache and the headers of public pages, through real HTTP requests."""

import time
import types
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import cache as content_cache
from articles.actions import filing
from articles.models import Article, BlockedTerm, Section, SiteSettings
from tests.factories import (
    SYSTEM,
    edit,
    make_article,
    make_author,
    make_section,
    make_staff,
    make_tag,
)

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=60, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """On, as in production with Redis (the tests' default cache is per-process memory)."""
    settings.STANDFIRST_PAGE_CACHE = True
    # Created once, as on a live site; its creation would itself bump the content version.
    SiteSettings.load()


@pytest.fixture
def article():
    return make_article(headline="Cached headline", section=make_section(), tags=[make_tag()])


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff())
    return client


def assert_shareable(response):
    assert response["Cache-Control"] == PUBLIC
    assert response["ETag"].startswith('"') and response.has_header("Last-Modified")
    assert not response.cookies
    assert not response.has_header("Vary")


@pytest.mark.parametrize("page", ["home", "article", "section", "tag", "author", "404"])
def test_anonymous_public_pages_are_shareable(client, article, page):
    author = make_author()
    article.byline_set.create(author=author)
    url = {
        "author": author.get_absolute_url(),
        "home": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": article.tags.get().get_absolute_url(),
        "404": "/2020/01/01/no-such-article/",
    }[page]
    first = client.get(url)
    assert first.status_code == (404 if page == "404" else 200)
    assert_shareable(first)
    hit = client.get(url)
    assert_shareable(hit)
    assert hit.content == first.content and hit["ETag"] == first["ETag"]


def test_a_hit_runs_no_sql_and_keeps_inner_middleware_headers(
    client, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        hit = client.get(url)
        head = client.head(url)
    assert hit.content == first.content
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "ETag"):
        assert hit[header] == first[header]
    assert head.status_code == 200 and head["ETag"] == first["ETag"]


def test_the_per_page_context_is_cached_too(client, article, django_assert_num_queries):
    other = make_article()
    client.get(article.get_absolute_url())
    # A miss on another page: the article page's own queries (the article, tags, bylines,
    # callouts, corrections, related picks, comments; no related fill for an article with
    # no tags and no section); the layout's settings, sections and policy links come cached.
    with django_assert_num_queries(7):
        client.get(other.get_absolute_url())


def test_conditional_get_from_the_cache_answers_304_without_sql(
    client, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        changed = client.get(url, headers={"if-none-match": '"something-else"'})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"] and by_etag["Cache-Control"] == PUBLIC
    assert by_date.status_code == 304
    assert changed.status_code == 200 and changed.content == first.content


def test_with_the_page_cache_off_pages_render_each_time_and_still_answer_304(
    client, settings, article, django_assert_max_num_queries, monkeypatch
):
    settings.STANDFIRST_PAGE_CACHE = False
    # The comment and report forms carry a signed time in seconds, so two renders either
    # side of a second differ (and rightly get different ETags): hold their clock still.
    still = types.SimpleNamespace(time=lambda: 1_800_000_000.0, monotonic=time.monotonic)
    monkeypatch.setattr("articles.comments.time", still)
    monkeypatch.setattr("articles.reports.time", still)
    url = article.get_absolute_url()
    first = client.get(url)
    assert_shareable(first)
    with django_assert_max_num_queries(10) as queries:
        second = client.get(url, headers={"if-none-match": first["ETag"]})
    assert len(queries) > 0
    assert second.status_code == 304


def test_staff_responses_are_private_and_never_served_from_the_cache(client, article):
    url = article.get_absolute_url()
    client.get(url)  # an anonymous reader fills the cache
    client.force_login(make_staff())
    response = client.get(url)
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    draft = make_article(headline="Draft only", status=Article.Status.DRAFT)
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and b"Preview: not public" in preview.content
    assert "no-cache" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_preview_as_staff_is_not_stored_for_readers(staff_client, client):
    scheduled = make_article(
        headline="Embargoed story", published_at=timezone.now() + timedelta(days=1)
    )
    assert b"Embargoed story" in staff_client.get(scheduled.get_absolute_url()).content
    staff_client.logout()
    assert staff_client.get(scheduled.get_absolute_url()).status_code == 404


def test_post_is_never_cached(client, article, django_assert_max_num_queries):
    url = article.get_absolute_url()
    client.get(url)
    posted = client.post(url, {"body": "hello"})
    assert "public" not in posted.get("Cache-Control", "")
    with django_assert_max_num_queries(0):
        assert client.get(url).status_code == 200


def test_a_published_change_is_visible_on_the_next_request(client, article):
    url = article.get_absolute_url()
    assert b"Cached headline" in client.get(url).content
    assert b"Cached headline" in client.get("/").content
    edit(article, headline="Corrected headline")
    assert b"Corrected headline" in client.get(url).content
    assert b"Corrected headline" in client.get("/").content


def test_tags_settings_and_new_articles_invalidate(client, article):
    url = article.get_absolute_url()
    client.get(url)
    tag = make_tag(name="Fresh tag")
    edit(article, relations=lambda a: a.tags.add(tag))
    assert b"Fresh tag" in client.get(url).content
    site = SiteSettings.load()
    site.publication_name = "The Renamed Gazette"
    filing.save(SYSTEM, site)
    assert b"The Renamed Gazette" in client.get(url).content
    make_article(headline="Brand new story")
    assert b"Brand new story" in client.get("/").content


def test_a_scheduled_article_appears_at_its_time_with_the_cache_on(client, monkeypatch):
    make_article(headline="Already out")
    scheduled = make_article(
        headline="Scheduled story", published_at=timezone.now() + timedelta(minutes=5)
    )
    home = client.get("/")
    assert b"Already out" in home.content and b"Scheduled story" not in home.content
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    # Five minutes and a second later, for the database query and the cache's clock alike.
    real_time, real_now, later = time.time, timezone.now, 301
    monkeypatch.setattr(time, "time", lambda: real_time() + later)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=later))
    assert b"Scheduled story" in client.get("/").content
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_an_expiring_article_leaves_at_its_time_with_the_cache_on(client, monkeypatch):
    expiring = make_article(
        headline="Short-lived story", expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert client.get(expiring.get_absolute_url()).status_code == 200
    real_time, real_now, later = time.time, timezone.now, 301
    monkeypatch.setattr(time, "time", lambda: real_time() + later)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=later))
    assert client.get(expiring.get_absolute_url()).status_code == 404
    assert b"Short-lived story" not in client.get("/").content


def test_unpublic_paths_are_never_cached_or_public(client):
    for url in ("/healthz", "/admin/login/"):
        first = client.get(url)
        assert "public" not in first["Cache-Control"]
        assert "no-cache" in first["Cache-Control"]


def test_a_session_cookie_bypasses_the_cache(client, article):
    url = article.get_absolute_url()
    client.get(url)
    client.cookies["sessionid"] = "not-a-real-session"
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_a_change_readers_never_see_leaves_the_cache_alone():
    """A private record (the comment blocklist) sends no change event; a section does."""
    version = content_cache.current_version()
    filing.save(SYSTEM, BlockedTerm(term="casino"))
    assert content_cache.current_version() == version
    filing.save(SYSTEM, Section(name="Fresh", slug="fresh"))
    assert content_cache.current_version() > version


def test_pages_render_uncached_when_the_cache_is_down(client, settings, article):
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.DegradingRedisCache",  # what REDIS_URL configures
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and b"Cached headline" in response.content
    assert response["Cache-Control"] == PUBLIC
    edit(article, headline="Saved while the cache is down")
    assert b"Saved while the cache is down" in client.get(article.get_absolute_url()).content


def test_pending_comments_keep_the_cache_and_moderation_refreshes_it(
    client, admin_client, article, django_assert_num_queries
):
    """A flood of held comments (or spam) never empties the page cache; approving one in
    the admin shows it on the next request."""
    from articles.models import Comment
    from tests.factories import make_comment

    url = article.get_absolute_url()
    client.get(url)
    pending = make_comment(article, body="Held for a moderator.", status=Comment.Status.PENDING)
    with django_assert_num_queries(0):
        assert b"Held for a moderator." not in client.get(url).content
    changelist = "/admin/articles/comment/"
    admin_client.post(changelist, {"action": "approve", "_selected_action": [pending.pk]})
    assert b"Held for a moderator." in client.get(url).content


class WsgiCall:
    """Calls the WSGI application as gunicorn does: a plain environ, start_response, and
    close() on the body. Like Django's test client, it keeps Django's request signals from
    closing the database connection that holds the test's transaction."""

    def __init__(self, application):
        self.application = application

    def __call__(self, path, method="GET", **headers):
        from wsgiref.util import setup_testing_defaults

        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections

        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "testserver"}
        environ.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
        setup_testing_defaults(environ)
        started = {}

        def start_response(status, header_list, exc_info=None):
            started["status"] = int(status.split()[0])
            started["headers"] = dict(header_list)

        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.application(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return started["status"], started["headers"], body


@pytest.fixture
def wsgi():
    from django.core.handlers.wsgi import WSGIHandler

    from articles.pagecache import PageCacheApp

    return WsgiCall(PageCacheApp(WSGIHandler()))


def test_the_deployed_wsgi_application_answers_hits_before_django():
    from articles.pagecache import PageCacheApp
    from cms.wsgi import application

    assert isinstance(application, PageCacheApp)


def test_a_wsgi_hit_skips_django_and_sends_the_same_page(
    wsgi, article, django_assert_num_queries, monkeypatch
):
    from django.core.handlers.wsgi import WSGIHandler

    url = article.get_absolute_url()
    status, first_headers, first_body = wsgi(url)
    assert status == 200 and b"Cached headline" in first_body
    entered = []
    monkeypatch.setattr(WSGIHandler, "__call__", lambda *args: entered.append(args))
    with django_assert_num_queries(0):
        status, headers, body = wsgi(url)
        head_status, head_headers, head_body = wsgi(url, method="HEAD")
        not_modified = wsgi(url, if_none_match=first_headers["ETag"])
    assert entered == []  # Django never saw these three requests
    assert status == 200 and body == first_body
    assert headers["Content-Length"] == str(len(body))
    for name in ("Cache-Control", "ETag", "Last-Modified", "X-Frame-Options", "Content-Type"):
        assert headers[name] == first_headers[name]
    assert "Set-Cookie" not in headers and "Vary" not in headers
    assert head_status == 200 and head_body == b"" and head_headers["ETag"] == headers["ETag"]
    assert not_modified[0] == 304 and not_modified[2] == b""
    assert not_modified[1]["ETag"] == headers["ETag"]
    assert not_modified[1]["Cache-Control"] == PUBLIC


def test_the_wsgi_door_sees_changes_sessions_and_posts(wsgi, article):
    url = article.get_absolute_url()
    wsgi(url)
    edit(article, headline="Changed behind the door")
    assert b"Changed behind the door" in wsgi(url)[2]
    # A session cookie (an editor) is always rendered for that visitor, never from the cache.
    status, headers, _ = wsgi(url, cookie="theme=dark; sessionid=not-a-real-session")
    assert status == 200 and "private" in headers["Cache-Control"]
    status, headers, _ = wsgi(url, cookie="theme=dark")
    assert headers["Cache-Control"] == PUBLIC
    # A POST is always passed to Django, never answered with the cached page.
    status, headers, body = wsgi(url, method="POST")
    assert "public" not in headers.get("Cache-Control", "") and b"Changed behind" not in body


def test_the_wsgi_door_passes_everything_through_when_the_cache_is_off(settings, article):
    from django.core.handlers.wsgi import WSGIHandler

    from articles.pagecache import PageCacheApp

    settings.STANDFIRST_PAGE_CACHE = False
    wsgi = WsgiCall(PageCacheApp(WSGIHandler()))
    url = article.get_absolute_url()
    first = wsgi(url)
    edit(article, headline="Rendered every time")
    assert first[0] == 200 and b"Rendered every time" in wsgi(url)[2]
