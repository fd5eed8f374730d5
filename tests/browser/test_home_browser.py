"""The home page as a reader meets it, in Chromium at 390, 1280 and 320 px, on `make run`'s
data (the seed article and the demo newsroom): a compact header, the lead story with its
picture in the first screen, the rail and the grids below with their thumbnails loaded as
they near the screen, a block per section; nothing scrolls sideways, no serious or critical
axe violation, no failed request; a reader reaches a story and a section from it."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.typography import curly
from tests.browser.conftest import describe
from tests.browser.journeys import Watch, horizontal_overflow
from tests.conftest import SEED
from tests.factories import import_published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"390": (390, 844), "1280": (1280, 900), "320": (320, 700)}
# The phone header: the name and search on one row, the sections on one more (it took 270 px).
PHONE_HEADER_MAX_PX = 120


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    import_published(str(SEED), "--publish", verbosity=0)
    call_command("demo_newsroom", stdout=io.StringIO())
    lead = Article.objects.featured().get()
    lead.shown_headline = curly(lead.headline)  # as pages print it
    return lead


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def scroll_through(page):
    """Scroll to the foot and back, as a reader does, so every lazy picture has loaded."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for _ in range(0, height, 600):
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_home_page_at_390_1280_and_320_px(browser, live_server, demo, axe, screenshot, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.viewport_name = width
    watch = Watch(page)
    page.goto("/")
    page.wait_for_load_state("networkidle")

    # The lead: the featured story, its picture fetched first and in the first screen.
    lead = page.locator(".card--lead")
    assert lead.get_by_role("link", name=demo.shown_headline).count() == 1
    lead_img = lead.locator("img")
    assert lead_img.get_attribute("fetchpriority") == "high"
    assert lead_img.evaluate("img => img.complete && img.naturalWidth > 0")
    assert lead_img.evaluate("img => img.currentSrc").endswith(".webp")
    assert box(page, ".card--lead img")["y"] < h / 2
    assert box(page, ".card--lead .card-headline")["y"] < h
    lazy = page.locator("main img[loading=lazy]")
    assert lazy.count() >= 10 and page.locator("main img:not([loading=lazy])").count() == 1

    # The header: on phones, the name and the search share a row and the sections scroll
    # on one row of their own; every section is reachable from the keyboard.
    name, search = box(page, ".site-name"), box(page, "#site-search-q")
    if w < 768:
        assert abs((name["y"] + name["height"] / 2) - (search["y"] + search["height"] / 2)) < 8
        assert box(page, ".site-header")["height"] <= PHONE_HEADER_MAX_PX
        links = page.locator(".site-nav a")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, "the sections wrap onto a second row"
    page.locator(".site-header button").focus()
    for _ in range(page.locator(".site-nav a").count()):
        page.keyboard.press("Tab")
    focused = box(page, ".site-nav a:focus")
    assert page.evaluate("document.activeElement.textContent") == "Workforce"
    # In view, if only in part: Chromium scrolls the row only for a link wholly out of it
    # (WCAG 2.4.11, focus not obscured, asks no more).
    assert focused["x"] < w and focused["x"] + focused["width"] > 0

    # Blocks below: the latest in a grid, then a block per section with a link to it.
    assert page.locator(".home-rail .card").count() == 4
    assert page.locator("#latest-heading + .card-grid .card").count() >= 5
    sections = page.locator(".home-section")
    assert sections.count() >= 3
    assert sections.first.locator(".more-link a").get_attribute("href").startswith("/section/")

    scroll_through(page)
    broken = page.evaluate(
        "[...document.images].filter(i => !(i.complete && i.naturalWidth)).map(i => i.src)"
    )
    assert broken == []
    assert horizontal_overflow(page) <= 0, f"home scrolls sideways at {width} px"
    serious = axe(page, impacts=("serious", "critical"))
    assert not serious, describe(serious)
    page.evaluate("document.activeElement.blur()")
    screenshot(page, "home-page")

    # A reader opens the lead story, then a section from its block.
    lead.get_by_role("link", name=demo.shown_headline).click()
    page.wait_for_url(f"**{demo.get_absolute_url()}")
    assert page.locator("h1").inner_text() == demo.shown_headline
    page.goto("/")
    section_link = sections.first.locator(".more-link a")
    href = section_link.get_attribute("href")
    section_link.click()
    page.wait_for_url(f"**{href}")
    assert watch.problems == []
    context.close()
