"""The report form in Chromium: open, styled like the comment form, no sideways scrolling
on phones (it used to widen a 390 px page), no serious or critical axe violation."""

import pytest

from tests.browser.conftest import describe
from tests.browser.journeys import horizontal_overflow
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_open_report_form_fits_the_phone(page, viewport, axe, screenshot):
    article = make_article(headline="A story with a mistake", body="Para.\n\n" * 3)
    page.goto(article.get_absolute_url() + "#report")
    page.click(".report-problem summary")
    form = page.locator(".report-form")
    assert form.is_visible()
    page.locator("#report-message").scroll_into_view_if_needed()
    screenshot(page, "report-form")
    assert horizontal_overflow(page) <= 0
    page.set_viewport_size({"width": 320, "height": 700})
    assert horizontal_overflow(page) <= 0
    # The same field styling as the comment form: full-width, 2 px ink border.
    style = page.eval_on_selector(
        "#report-message",
        "e => [getComputedStyle(e).borderTopWidth, e.getBoundingClientRect().width]",
    )
    assert style[0] == "2px"
    assert style[1] <= 320
    violations = axe(page, impacts={"serious", "critical"})
    assert not violations, describe(violations)
