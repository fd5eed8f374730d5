"""Surrogate keys: what each page says it shows, and exactly which keys each change purges.

The purge requests are real HTTP, sent by the real worker to a recording server on
127.0.0.1 standing in for the edge's purge endpoint (tests/test_edge_varnish.py runs the
real Varnish).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from articles import cache as content_cache
from articles.actions import articles as article_actions
from articles.actions import comments as comment_actions
from articles.actions import filing
from articles.models import Article, AuditEntry, Comment, SiteSettings
from articles.pagecache import PageCache
from tests.factories import (
    SYSTEM,
    edit,
    make_article,
    make_comment,
    make_section,
    make_tag,
)
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


def keys_of(response):
    return set(response["xkey"].split())


@pytest.fixture
def filed():
    section, tag = make_section(), make_tag()
    article = make_article(section=section, tags=[tag])
    neighbour = make_article(section=section, tags=[tag])
    return article, neighbour, section, tag


def test_each_page_says_what_it_shows(client, filed):
    article, neighbour, section, tag = filed
    page = client.get(article.get_absolute_url())
    assert keys_of(page) == {
        "site", f"article-{article.pk}", f"article-{neighbour.pk}",  # its related block
        f"tag-{tag.pk}", f"section-{section.pk}",
    }  # fmt: skip
    assert page["Surrogate-Key"] == page["xkey"]
    assert set(page["Cache-Tag"].split(",")) == keys_of(page)
    for url in ("/", section.get_absolute_url(), tag.get_absolute_url()):
        assert keys_of(client.get(url)) == {
            "site", "lists", f"article-{article.pk}", f"article-{neighbour.pk}"
        }, url  # fmt: skip
    for url in ("/feed/", "/sitemap.xml", "/corrections/"):
        assert keys_of(client.get(url)) == {"site", "lists"}, url


def test_private_responses_carry_no_keys(admin_client, filed):
    response = admin_client.get(filed[0].get_absolute_url())
    assert "xkey" not in response and "Surrogate-Key" not in response


class Recorder(BaseHTTPRequestHandler):
    """The edge's purge endpoint: records each request, answers 200 (or 503 when told)."""

    requests, fail = [], False

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        headers = {name.lower(): value for name, value in self.headers.items()}
        Recorder.requests.append((self.command, self.path, headers, body))
        self.send_response(503 if Recorder.fail else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PURGE = do_POST = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def edge():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Recorder.requests, Recorder.fail = [], False
    url = f"http://127.0.0.1:{server.server_port}"
    with override_settings(
        STANDFIRST_EDGE_PURGE="varnish",
        STANDFIRST_VARNISH_URLS=[url + "/"],
        FASTLY_API_URL=url,
        FASTLY_SERVICE_ID="svc",
        FASTLY_API_TOKEN="fk",  # noqa: S106 - a test token
        CLOUDFLARE_API_URL=url,
        CLOUDFLARE_ZONE_ID="zone",
        CLOUDFLARE_API_TOKEN="ct",  # noqa: S106 - a test token
    ):
        yield Recorder
    server.shutdown()


def sent(edge):
    """(keys, hard) of each purge the edge received since the last call."""
    received = [
        (
            set(headers.get("xkey-purge", headers.get("xkey-softpurge", "")).split()),
            "xkey-purge" in headers,
        )
        for _, _, headers, _ in edge.requests
    ]
    edge.requests.clear()
    return received


def purged(edge):
    """(keys, hard) of each purge the worker sent."""
    run_worker()
    return sent(edge)


def test_a_comment_moderated_purges_only_its_article_softly(filed, edge):
    article = filed[0]
    comment = make_comment(article, status=Comment.Status.PENDING)
    comment_actions.moderate(SYSTEM, Comment.objects.filter(pk=comment.pk), "approved")
    assert purged(edge) == [({f"article-{article.pk}"}, False)]


def test_an_edit_purges_the_article_its_lists_and_filing_softly(filed, edge):
    article, _, section, tag = filed
    edit(article, headline="A new headline")
    assert purged(edge) == [
        ({f"article-{article.pk}", "lists", f"section-{section.pk}", f"tag-{tag.pk}"}, False)
    ]
    entry = AuditEntry.objects.filter(action="edge_purged", article=article).get()
    assert entry.system_actor == "worker" and entry.detail["hard"] is False


def test_legal_changes_purge_hard_on_commit_without_the_worker(
    filed, edge, django_capture_on_commit_callbacks
):
    article = filed[0]
    with django_capture_on_commit_callbacks(execute=True):
        article_actions.unpublish(SYSTEM, article)
    [(keys, hard)] = sent(edge)
    assert hard and f"article-{article.pk}" in keys and "lists" in keys
    entry = AuditEntry.objects.filter(action="edge_purged", article=article).get()
    assert entry.system_actor == "edge" and entry.detail["after"] == "unpublished"
    assert purged(edge) == []  # nothing left for the worker


def test_a_failed_legal_purge_is_left_to_the_worker(
    filed, edge, django_capture_on_commit_callbacks
):
    article = filed[0]
    edge.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        article_actions.unpublish(SYSTEM, article)  # the editor's action still succeeds
    article.refresh_from_db()
    assert not article.is_published() and len(sent(edge)) == 1
    edge.fail = False
    [(keys, hard)] = purged(edge)
    assert hard and f"article-{article.pk}" in keys
    entry = AuditEntry.objects.filter(action="edge_purged", article=article).get()
    assert entry.system_actor == "worker"


def test_the_site_furniture_purges_every_page(filed, edge):
    site = SiteSettings.load()
    site.tagline = "Changed"
    filing.save(SYSTEM, site)
    assert purged(edge) == [({"site"}, False)]


def test_a_refused_change_purges_nothing(filed, edge):
    article = filed[0]
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal
        article_actions.save(SYSTEM, article, expected_version=article.version - 1)
    assert purged(edge) == []


def test_a_failing_edge_is_retried_and_the_failure_is_visible(filed, edge, settings):
    from django_tasks_db.models import DBTaskResult

    edge.fail = True
    edit(filed[0], headline="A new headline")
    assert len(purged(edge)) == 1
    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED" and "503" in failed.traceback
    assert retry.status == "READY"
    assert not AuditEntry.objects.filter(action="edge_purged").exists()


@pytest.mark.parametrize("provider", ["fastly", "cloudflare"])
def test_the_cdn_adapters_send_their_tag_purges(
    filed, edge, settings, provider, django_capture_on_commit_callbacks
):
    settings.STANDFIRST_EDGE_PURGE = provider
    article = filed[0]
    with django_capture_on_commit_callbacks(execute=True):
        article_actions.unpublish(SYSTEM, article)
    [(method, path, headers, body)] = edge.requests
    assert method == "POST"
    if provider == "fastly":
        assert path == "/service/svc/purge" and headers["fastly-key"] == "fk"
        assert "fastly-soft-purge" not in headers  # a legal change: hard
        assert f"article-{article.pk}" in json.loads(body)["surrogate_keys"]
    else:
        assert path == "/zones/zone/purge_cache" and headers["authorization"] == "Bearer ct"
        assert f"article-{article.pk}" in json.loads(body)["tags"]


# The app's own page cache uses the same keys ----------------------------------------------


@pytest.fixture
def page_cache_on(settings):
    settings.STANDFIRST_PAGE_CACHE = True
    SiteSettings.load()


def renders(client, url):
    """How many queries answering `url` ran now (0: a hit from the page cache)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_change_re_renders_only_the_pages_that_show_it(client, page_cache_on):
    one, other = make_article(headline="One"), make_article(headline="Other")
    pages = {
        "one": one.get_absolute_url(),
        "other": other.get_absolute_url(),
        "home": "/",
        "feed": "/feed/",
    }
    for url in pages.values():
        renders(client, url)

    def rendered():
        return {name for name, url in pages.items() if renders(client, url)}

    assert rendered() == set()  # all hits
    comment = make_comment(one, status=Comment.Status.PENDING)
    comment_actions.moderate(SYSTEM, Comment.objects.filter(pk=comment.pk), "approved")
    assert rendered() == {"one", "home"}  # home shows its comment count; the feed does not
    edit(other, headline="Other, edited")
    assert rendered() == {"other", "home", "feed"}
    site = SiteSettings.load()
    site.tagline = "Changed"
    filing.save(SYSTEM, site)
    assert rendered() == set(pages)
    assert "Other, edited" in client.get(pages["home"]).content.decode()


def test_while_one_request_renders_a_hot_page_the_others_get_the_previous_copy(
    client, page_cache_on
):
    """No stampede after an ordinary change; never a stale copy after a legal one."""
    article = make_article(headline="Hot story")
    url = article.get_absolute_url()
    renders(client, url)
    page_key = PageCache().key(client.get(url).wsgi_request.META)

    Article.objects.filter(pk=article.pk).update(standfirst="Updated standfirst.")
    content_cache.content_changed([f"article-{article.pk}"])
    cache.add(content_cache.RENDER_LOCK_PREFIX + page_key, 1, 5)  # another request renders
    assert renders(client, url) == 0
    assert "Updated standfirst." not in client.get(url).content.decode()
    cache.delete(content_cache.RENDER_LOCK_PREFIX + page_key)  # it finished (or gave up)
    assert "Updated standfirst." in client.get(url).content.decode()

    Article.objects.filter(pk=article.pk).update(standfirst="Legally amended.")
    content_cache.content_changed([f"article-{article.pk}"], legal=True)
    cache.add(content_cache.RENDER_LOCK_PREFIX + page_key, 1, 5)
    assert renders(client, url) > 0  # no previous copy after a legal change
    assert "Legally amended." in client.get(url).content.decode()
