"""axe-core in Chromium: no serious or critical violation on home, section, article and
search pages, at phone and desktop widths; screenshots for a human look."""

import io

import pytest

from articles.models import Article, Callout
from tests.browser.conftest import describe
from tests.factories import import_published
from tests.readers_data import newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_content(seed_path):
    data = newsroom(extra_articles=4)
    import_published(str(seed_path), "--publish", stdout=io.StringIO())
    seed = Article.objects.get(slug__startswith="high-workloads")
    seed.section = data["section"]
    seed.tags.set(data["tags"][:3])
    seed.save()
    seed.related_links.create(target=data["lead"])
    Callout.objects.create(text="Tell us about your caseload.", link_url="https://example.org/")
    return {"seed": seed, **data}


def _pages(content):
    return {
        "home": "/",
        "section": "/section/social-care/",
        "article": content["seed"].get_absolute_url(),
        "search": "/search/?q=review",
    }


@pytest.mark.parametrize("name", ["home", "section", "article", "search"])
def test_no_serious_or_critical_violations(page, viewport, axe, screenshot, site_content, name):
    url = _pages(site_content)[name]
    response = page.goto(url)
    assert response.status == 200
    screenshot(page, name)
    violations = axe(page, impacts={"serious", "critical"})
    assert not violations, describe(violations)


@pytest.mark.parametrize(
    ("url", "status"),
    [("/tag/topic-0/", 200), ("/author/ann-writer/", 200), ("/search/", 200), ("/nope/", 404)],
)
def test_other_pages_have_no_violations_at_all(page, axe, site_content, url, status):
    assert page.goto(url).status == status
    violations = axe(page)
    assert not violations, describe(violations)


def test_skip_link_and_visible_focus(page, site_content):
    page.goto(site_content["seed"].get_absolute_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # moved on screen


def test_pages_work_without_javascript(browser, live_server, site_content):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    tab = context.new_page()
    tab.goto("/")
    tab.fill("#site-search-q", "review")
    tab.press("#site-search-q", "Enter")
    tab.wait_for_url("**/search/?q=review")
    assert "Search results for" in tab.locator("h1").inner_text()
    assert tab.locator(".card").count() >= 1
    context.close()


def test_print_shows_the_article_without_navigation(page, site_content):
    seed = site_content["seed"]
    seed.republication.original_url = "https://www.communitycare.co.uk/hamzah-khan/"
    seed.republication.save()
    page.goto(seed.get_absolute_url())
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".search-form", ".site-footer", ".related", ".comments"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ("h1", ".article-body", ".meta time", ".print-source"):
        assert page.locator(shown).first.is_visible(), shown
    assert (
        "https://www.communitycare.co.uk/hamzah-khan/" in page.locator(".print-source").inner_text()
    )
