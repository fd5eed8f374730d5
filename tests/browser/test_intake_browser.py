"""Republish from a URL in real Chromium: an editor finds "Republish an article" in the admin,
gives the URL of a news page served by a real HTTP server on 127.0.0.1 (tests/intake_server.py,
the page shipped in tests/intake_fixtures/), and lands on a draft that shows only what the page
states; a URL the fetch allowlist refuses says why at the top and stores nothing."""

import hashlib

import pytest

from articles.models import Article, Republication, SourceSnapshot
from tests.browser.conftest import describe
from tests.browser.journeys import Watch, admin_url, horizontal_overflow, log_in
from tests.factories import make_member
from tests.intake_server import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "harbour-gazette.ferry.html"
CANONICAL = "https://www.harbourgazette.example/news/2026/11/30/island-ferry-evening-crossing"
HEADLINE = "Island ferry loses its last evening crossing"
# What the shipped page states, as the review panel shows it; the rest it does not state.
STATED = {
    "Publisher": "The Harbour Gazette",
    "Original URL": CANONICAL,
    "Byline": "Morag MacLeod",
    "First published": "30 Nov 2026, 07:45",
    "Licence": "CC BY",
    "Lead image": "https://www.harbourgazette.example/media/2026/11/ferry-pier.jpg",
}
NOT_STATED = ("Last updated", "Image credit", "Source identifier")


def review(page):
    """The review panel's rows as {term: text}."""
    panel = page.locator(".intake-review dl")
    terms = panel.locator("dt").all_inner_texts()
    values = panel.locator("dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def open_republish(page):
    """From the admin's home, as an editor finds it: Articles, then the object tool."""
    page.goto(admin_url())
    page.locator("#content-main a", has_text="Articles").first.click()
    page.get_by_role("link", name="Republish an article").click()
    page.wait_for_selector("h1:has-text('Republish an article')")


def assert_fits(page):
    assert horizontal_overflow(page) <= 0, f"scrolls sideways at {page.viewport_name}"


def test_an_editor_republishes_a_news_page_from_its_url(
    page, viewport, intake_server, axe, screenshot
):
    make_member("eddie", "Editors")
    url = intake_server.add("/news/island-ferry", (FIXTURES / PAGE).read_bytes())
    watch = Watch(page)
    log_in(page, "eddie")
    open_republish(page)

    assert page.locator("#id_source input[value=url]").is_checked()
    assert watch.problems == []
    serious = axe(page, impacts={"serious", "critical"})
    assert not serious, describe(serious)
    watch.problems.clear()  # axe's own probes apply inline styles, which the CSP blocks
    assert_fits(page)
    screenshot(page, "intake-url-form")

    page.get_by_label("URL of the original").fill(url)
    page.get_by_role("button", name="Take it in as a draft").click()
    page.wait_for_selector(".intake-review")

    article = Article.objects.get()
    assert page.url.endswith(admin_url(f"articles/article/{article.pk}/change/"))
    assert (
        f"Imported “{HEADLINE}”: review it, then publish."
        in page.locator(".messagelist").inner_text()
    )
    assert page.locator("#id_headline").input_value() == HEADLINE
    shown = review(page)
    for term, text in STATED.items():
        assert shown[term] == text, term
    for term in NOT_STATED:
        assert shown[term] == "Not stated", term
    assert_fits(page)
    # The live preview is clipped, not scrolled, when it is wider than the column.
    preview = page.locator(".markdownx-preview").bounding_box()
    assert preview["x"] + preview["width"] <= page.viewport_size["width"]
    screenshot(page, "intake-url-result")

    # The records behind what the panel shows, and the bytes exactly as the server sent them.
    record = Republication.objects.get()
    assert record.article == article
    assert (record.publisher, record.original_byline) == (STATED["Publisher"], STATED["Byline"])
    assert (record.original_url, record.licence) == (CANONICAL, Republication.Licence.CC_BY)
    assert record.original_updated_at is None and record.lead_image_credit == ""
    snapshot = SourceSnapshot.objects.get()
    raw = (FIXTURES / PAGE).read_bytes()
    assert snapshot.article == article
    assert snapshot.sha256 == hashlib.sha256(raw).hexdigest()
    assert snapshot.sha256 in shown["Source snapshot"]
    assert [path for path, _host in intake_server.hits] == ["/news/island-ferry"]

    # Taking it in never publishes: the editor reviews the draft first.
    assert page.locator(".editorial-state").inner_text() == "State: Draft · version 1"
    assert page.locator("#id_status").input_value() == Article.Status.DRAFT
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()
    assert "More from The Harbour Gazette" not in article.body
    assert watch.problems == []


def test_a_url_the_allowlist_refuses_says_why_and_stores_nothing(
    page, viewport, intake_server, screenshot
):
    make_member("eddie", "Editors")
    # A host not on the allowlist reaching the test server: refused before any request.
    local = intake_server.add("/news/island-ferry", (FIXTURES / PAGE).read_bytes())
    log_in(page, "eddie")
    open_republish(page)
    for url, host in (
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        (local.replace("127.0.0.1", "localhost"), "localhost"),
    ):
        page.get_by_label("URL of the original").fill(url)
        with page.expect_navigation():  # the refusal is a new page, not the last one's note
            page.get_by_role("button", name="Take it in as a draft").click()
        note = page.get_by_role("alert")
        message = note.inner_text()
        assert message.startswith(f"The host {host} is a private or local address (")
        assert message.endswith("intake fetches only public web sites. Nothing was stored.")
        box = note.bounding_box()
        assert box["y"] < page.locator("fieldset").bounding_box()["y"]
        assert page.get_by_label("URL of the original").input_value() == url
        assert_fits(page)
        if host != "localhost":
            screenshot(page, "intake-url-refused")
    assert not Article.objects.exists()
    assert not Republication.objects.exists() and not SourceSnapshot.objects.exists()
    assert intake_server.hits == []
