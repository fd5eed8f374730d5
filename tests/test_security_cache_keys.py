"""Page-cache keys from an allowlist: floods of variants neither fill the cache nor render."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from articles import cache as content_cache
from articles import pagecache
from articles.models import SiteSettings
from tests.factories import edit, make_article, make_section
from tests.test_speed_cache import WsgiCall

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.STANDFIRST_PAGE_CACHE = True
    SiteSettings.load()


@pytest.fixture
def stored(monkeypatch):
    """Every key the page cache stores, and the lifetime it was given."""
    keys = {}
    store = pagecache.PageCache.store

    def spy(self, key, version, entry, timeout, keys_=()):
        keys[key] = timeout
        return store(self, key, version, entry, timeout, keys_)

    monkeypatch.setattr(pagecache.PageCache, "store", spy)
    return keys


def test_unknown_parameters_make_no_new_entries_and_no_renders(
    client, stored, django_assert_num_queries
):
    make_article(headline="Flooded home")
    first = client.get("/?utm_source=0")
    with django_assert_num_queries(0):
        for n in range(1, 200):
            response = client.get(f"/?utm_source={n}&fbclid={n}")
            assert response.status_code == 200 and response.content == first.content
    assert len(stored) == 1
    # The parameters pages read still make their own pages, in any order or repetition.
    client.get("/search/?q=budget&page=1")
    client.get("/search/?page=1&q=budget&utm_medium=x")
    client.get("/search/?q=other&q=budget&page=1")
    assert len(stored) == 2


def test_a_flood_through_the_wsgi_door_stays_one_entry(stored):
    from django.core.handlers.wsgi import WSGIHandler

    make_article(headline="Door flood")
    door = pagecache.PageCacheApp(WSGIHandler())
    query = []

    def with_query(environ, start_response):
        environ["QUERY_STRING"] = query[-1]
        return door(environ, start_response)

    wsgi = WsgiCall(with_query)
    bodies = set()
    for n in range(100):
        query.append(f"utm_source={n}")
        status, _, body = wsgi("/")
        bodies.add(body)
        assert status == 200
    assert len(stored) == 1 and len(bodies) == 1


def test_the_view_never_sees_a_parameter_outside_the_allowlist(settings):
    seen = []

    def view(request):
        seen.append(dict(request.GET))
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = pagecache.PageCacheMiddleware(view)
    middleware(RequestFactory().get("/search/", {"q": "x", "utm_source": "1", "page": "2"}))
    assert seen == [{"page": ["2"], "q": ["x"]}]


def test_paths_no_route_matches_are_never_stored(client, stored):
    for n in range(50):
        assert client.get(f"/no-such-page-{n}/").status_code == 404
        assert client.get(f"/wp-login-{n}.php").status_code == 404
    assert stored == {}


def test_a_404_of_a_matched_route_is_stored_briefly(client, stored, settings):
    make_section(slug="news")
    assert client.get("/section/no-such-section/").status_code == 404
    assert list(stored.values()) == [settings.STANDFIRST_PAGE_CACHE_404_TIMEOUT + 1]
    assert client.get("/section/news/").status_code == 200
    assert max(stored.values()) == settings.STANDFIRST_PAGE_CACHE_TIMEOUT + 1


def test_host_variants_share_one_entry_and_bad_hosts_are_never_answered(client, stored):
    make_article(headline="Host variants")
    first = client.get("/", HTTP_HOST="testserver")
    for host in ("TESTSERVER", "testserver:80", "testserver:8443", "localhost", "127.0.0.1"):
        response = client.get("/", HTTP_HOST=host)
        assert response.status_code == 200 and response.content == first.content
    assert len(stored) == 1
    for host in ("evil.example", "testserver.evil.example", "a" * 300):
        assert client.get("/", HTTP_HOST=host).status_code == 400
    assert len(stored) == 1


def test_odd_forwarded_proto_values_make_at_most_two_entries(client, stored, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    make_article(headline="Schemes")
    for value in ("https", "http", "HTTPS", "ftp", "https, http", "http, https", "x" * 500, ""):
        assert client.get("/", HTTP_X_FORWARDED_PROTO=value).status_code == 200
    assert len(stored) == 2


def test_pages_live_in_their_own_cache_and_versions_where_nothing_is_evicted(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
    }
    article = make_article(headline="Budgeted")
    url = article.get_absolute_url()
    first = client.get(url)
    hit = client.get(url)
    assert hit.content == first.content
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": url, "wsgi.url_scheme": "http"}
    key = pagecache.PageCache().key(environ)
    assert caches["pages"].get(key) is not None and caches["default"].get(key) is None
    assert caches["default"].get(content_cache.VERSION_KEY) is not None
    assert caches["pages"].get(content_cache.VERSION_KEY) is None
    # A change still reaches pages stored in the other cache.
    edit(article, headline="Budgeted, changed")
    assert b"Budgeted, changed" in client.get(url).content


def test_a_page_over_the_entry_budget_is_served_but_not_stored(client, stored, settings):
    settings.STANDFIRST_PAGE_CACHE_MAX_ENTRY_KB = 1
    make_article(headline="Too big to keep")
    assert b"Too big to keep" in client.get("/").content
    assert stored == {}
