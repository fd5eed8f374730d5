"""Intake's safety rules, through the admin: SSRF (private addresses, redirects to them),
the allowlist, the size, redirect and content-type limits, and hostile XML and JSON. Each
refusal says why and stores nothing."""

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Republication, SourceSnapshot
from tests.factories import make_member

pytestmark = pytest.mark.django_db
# The module (articles.intake re-exports its fetch() function under the same name).
fetch = importlib.import_module("articles.intake.fetch")
REPUBLISH = reverse("admin:articles_article_republish")
BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"><contentMeta><headline>&lol3;</headline>
</contentMeta></newsItem>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"><contentMeta><headline>&xxe;</headline>
</contentMeta></newsItem>"""


@pytest.fixture
def editor_client(client):
    client.force_login(make_member("editor", "Editors"))
    return client


def assert_refused(response, message):
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Nothing was stored." in page
    assert not Article.objects.exists()
    assert not SourceSnapshot.objects.exists() and not Republication.objects.exists()


def from_url(client, url):
    return client.post(REPUBLISH, {"source": "url", "url": url})


def test_a_local_address_not_in_the_allowlist_is_refused(editor_client, intake_server, settings):
    url = intake_server.page("phys.org.tool.html")
    settings.STANDFIRST_INTAKE_ALLOWED_HOSTS = []
    assert_refused(from_url(editor_client, url), "is a private or local address (127.0.0.1)")
    assert intake_server.hits == []


def test_a_name_for_a_local_address_is_refused(editor_client, intake_server):
    url = intake_server.page("phys.org.tool.html").replace("127.0.0.1", "localhost")
    assert_refused(from_url(editor_client, url), "private or local address")
    assert intake_server.hits == []


@pytest.mark.parametrize("target", ["http://10.1.2.3/story", "http://169.254.169.254/latest/"])
def test_a_redirect_to_a_private_address_is_refused(editor_client, intake_server, target):
    url = intake_server.add("/go", status=302, headers={"Location": target})
    assert_refused(from_url(editor_client, url), "private or local address")
    assert [path for path, _ in intake_server.hits] == ["/go"]


def test_redirects_are_followed_and_capped(editor_client, intake_server):
    intake_server.page("phys.org.tool.html")
    hop = intake_server.add("/hop", status=301, headers={"Location": "/pages/phys.org.tool.html"})
    intake_server.add("/loop", status=302, headers={"Location": "/loop"})
    assert_refused(from_url(editor_client, intake_server.url("/loop")), "redirects more than 5")
    assert from_url(editor_client, hop).status_code == 302
    assert Article.objects.count() == 1


def test_only_http_and_https_are_fetched(editor_client):
    assert_refused(from_url(editor_client, "ftp://example.org/story"), "Only http:// and https://")


@pytest.mark.parametrize("send_length", [True, False])
def test_the_size_cap(editor_client, intake_server, monkeypatch, send_length):
    monkeypatch.setattr(fetch, "MAX_BYTES", 50_000)
    url = intake_server.page("reuters.com.parasite.html")
    intake_server.routes["/pages/reuters.com.parasite.html"].send_length = send_length
    assert_refused(from_url(editor_client, url), "larger than 50,000 bytes")


def test_content_types_that_are_not_articles_are_refused(editor_client, intake_server):
    url = intake_server.add("/image", b"\x89PNG\r\n", content_type="image/png")
    assert_refused(from_url(editor_client, url), "sent image/png, not an article")


def test_a_slow_server_times_out(editor_client, intake_server, monkeypatch):
    monkeypatch.setattr(fetch, "READ_TIMEOUT", 0.3)
    url = intake_server.add("/slow", b"<html></html>", delay=1.5)
    assert_refused(from_url(editor_client, url), "could not be reached")


def test_an_error_status_is_refused(editor_client, intake_server):
    assert_refused(from_url(editor_client, intake_server.url("/gone")), "answered 404")


def test_an_xml_bomb_served_by_url_is_refused(editor_client, intake_server):
    url = intake_server.add("/bomb.xml", BOMB, content_type="application/xml")
    assert_refused(from_url(editor_client, url), "declares a DTD or entities")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.xml", BOMB, "declares a DTD or entities"),
        ("xxe.xml", XXE, "declares a DTD or entities"),
        ("broken.xml", b"<newsItem><headline>unclosed", "not well-formed XML"),
        ("broken.json", b'{"headlines": [', "not valid JSON"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        ("nested.json", b'{"a":' * 60 + b"1" + b"}" * 60, "not a ninjs item"),
        ("list.json", b"[1, 2]", "not a ninjs item"),
        ("binary.html", b"<html>\x00\x01</html>", "binary"),
    ],
)
def test_hostile_and_malformed_files_are_refused(editor_client, name, data, message):
    file = SimpleUploadedFile(name, data)
    assert_refused(editor_client.post(REPUBLISH, {"source": "file", "file": file}), message)
