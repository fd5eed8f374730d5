"""The republish snippet pasted on another site, as Chromium loads it: its image counts the
site's host, the browser sends only the origin (no path), and no cookie is set."""

import html
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from articles.models import Article, Republishing
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Another site, served on loopback (Chromium lets only a local page load from localhost),
# at another origin than the live server (http://localhost:<port>).
PARTNER = "http://127.0.0.1:18201"
PARTNER_PAGE = f"{PARTNER}/news/2026/12/our-ferry-story?utm_source=x"


@contextmanager
def partner_site(body):
    """The partner's page, with our snippet pasted in, on a real HTTP server."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 18201), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_a_pasted_snippet_counts_the_host_and_nothing_else(browser, live_server, settings):
    settings.SITE_URL = live_server.url  # the snippet's absolute URLs point at this server
    article = make_article(republish_licence=Article.RepublishLicence.CC_BY)
    page_html = Client().get(article.get_absolute_url()).content.decode()
    snippet = html.unescape(
        re.search(r'<textarea id="republish-code"[^>]*>(.*?)</textarea>', page_html, re.S)[1]
    )

    context = browser.new_context()
    page = context.new_page()
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.headers.get("referer"))
            if request.url.endswith(f"/republished/{article.pk}.gif")
            else None
        ),
    )
    body = f"<!doctype html><title>Partner</title><article>{snippet}</article>".encode()
    with partner_site(body):
        page.goto(PARTNER_PAGE)
        page.wait_for_load_state("networkidle")
        page.reload()
        page.wait_for_load_state("networkidle")

    assert sent == [f"{PARTNER}/", f"{PARTNER}/"]  # the origin only, never the page's path
    row = Republishing.objects.get()
    assert (row.article_id, row.channel, row.host, row.count) == (
        article.pk,
        "snippet",
        "127.0.0.1",
        2,
    )
    assert context.cookies() == []
    context.close()
