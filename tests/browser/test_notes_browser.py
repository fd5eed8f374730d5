"""Notes in real Chromium at 1280 and 390 px: the panel's fields and buttons post their own
form from inside the article's form (their `form` attribute, no script), a writer adds a
note on a paragraph, an editor replies and resolves it; the panel sits in the right-hand
column on a desktop; no sideways scroll, no console error, no serious or critical axe
violation."""

import pytest
from django.urls import reverse

from articles.models import Article, Note
from tests.browser.conftest import describe
from tests.browser.journeys import Watch, at_width, horizontal_overflow, log_in
from tests.browser.test_admin_article_form_browser import ours
from tests.factories import make_article, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft():
    writer = make_member("wendy", "Writers")
    make_member("eddie", "Editors")
    return make_article(
        headline="Harbour wall to be rebuilt by spring",
        body="The council met on Tuesday.\n\nIts leader said the wall would be rebuilt by "
        "spring.\n\nResidents were not convinced.",
        status=Article.Status.DRAFT,
        published_at=None,
        created_by=writer,
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_notes_in_the_article_form(browser, live_server, draft, axe, screenshot, width):
    context, page = at_width(browser, live_server, width)
    watch = Watch(page)
    change = reverse("admin:articles_article_change", args=[draft.pk])

    log_in(page, "wendy")
    page.goto(change)
    page.fill("#id_headline", "An unsaved change to the headline")  # not posted with a note
    page.fill("#note-body", "Is the spring date sourced? @eddie")
    page.select_option("#note-paragraph", "2")
    page.click("button[value=add]")
    page.wait_for_selector("text=Note added.")
    note = Note.objects.get()
    assert (note.paragraph, note.author.username) == (2, "wendy")
    assert Article.objects.get(pk=draft.pk).headline == draft.headline
    assert page.url.endswith("#notes")

    page.context.clear_cookies()
    log_in(page, "eddie")
    page.goto(change)
    page.fill(f"#reply-{note.pk}", "Yes: the council's release.")
    page.click(f"button[value='reply:{note.pk}']")
    page.wait_for_selector("text=Reply added.")
    page.click(f"button[value='resolve:{note.pk}']")
    page.wait_for_selector("text=Thread resolved.")
    assert Note.objects.get(pk=note.pk).resolved_at is not None
    page.click(".notes-resolved summary")
    thread = page.locator(f"#note-{note.pk}")
    assert "Yes: the council's release." in thread.inner_text()
    assert "Resolved by eddie" in thread.inner_text()

    panel = page.locator("#notes").bounding_box()
    side = page.locator(".article-side").bounding_box()
    assert side["x"] <= panel["x"] and panel["x"] + panel["width"] <= side["x"] + side["width"]
    if width >= 1024:
        writing = page.locator(".article-writing").bounding_box()
        assert panel["x"] >= writing["x"] + writing["width"]
    page.locator("#notes").scroll_into_view_if_needed()
    overflow = horizontal_overflow(page)
    problems = list(watch.problems)
    violations = describe(ours(axe(page, impacts={"serious", "critical"})))
    screenshot(page, "admin-article-notes")
    context.close()
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    assert not violations, violations
    assert not problems, problems
