"""The search page in real Chromium at 390 and 1280 px: the hints it offers, a phrase with a
left-out word, and on PostgreSQL "did you mean" for a misspelt query; no sideways scroll, no
serious or critical axe violation."""

import pytest
from django.db import connection

from articles.models import SiteSettings
from tests.browser.conftest import describe
from tests.browser.journeys import horizontal_overflow
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_hints_phrases_and_suggestions(page, viewport, axe, screenshot):
    SiteSettings.load()
    make_article(headline="Council care review published", body="The care review is out.")
    make_article(headline="Care homes in court", body="A review of care homes; the court sat.")
    page.goto("/search/")
    hints = page.locator("main p").first.inner_text()
    assert '"care review" -court' in hints
    assert ("misspelt" in hints) is (connection.vendor == "postgresql")
    page.fill("#search-page-q", '"care review" -court')
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".card-headline").all_inner_texts() == ["Council care review published"]
    screenshot(page, "search-phrase")
    problems = describe(axe(page, impacts={"serious", "critical"}))
    assert not problems, problems
    assert horizontal_overflow(page) <= 0
    if connection.vendor != "postgresql":
        return
    page.goto("/search/?q=cuncil")
    suggestion = page.locator(".search-suggestion")
    assert suggestion.inner_text() == (
        "Nothing matched “cuncil”. Did you mean council? Here is what that finds."
    )
    assert page.locator(".card-headline").all_inner_texts() == ["Council care review published"]
    screenshot(page, "search-did-you-mean")
    problems = describe(axe(page, impacts={"serious", "critical"}))
    assert not problems, problems
    assert horizontal_overflow(page) <= 0
    suggestion.get_by_role("link", name="council").click()
    page.wait_for_url("**/search/?q=council")
    assert page.locator(".search-suggestion").count() == 0
