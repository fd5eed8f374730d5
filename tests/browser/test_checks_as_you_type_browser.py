"""Checks as you type in real Chromium at 1280 and 390 px: typing a name on the register
and a long headline into the article form updates the checks panel under the live
preview, and the name is marked in the preview; no console error (the admin's CSP holds),
no sideways scroll. Screenshots go to /work/tmp/shots-checks/ as well as the artifacts."""

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from articles.models import Article, DoNotIdentify
from tests.browser.journeys import Watch, at_width, horizontal_overflow, log_in
from tests.factories import make_article, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/tmp/shots-checks")
NAME = "Jamie Brookes"
HEADLINE = "Council admits failings in the care of a boy " * 3


@pytest.fixture
def story():
    make_member("eddie", "Editors")
    article = make_article(
        headline="Boy was failed by agencies, review finds",
        body="The review was published on Monday.",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    DoNotIdentify.objects.create(article=article, term=NAME, reason="restriction")
    return article


@pytest.mark.parametrize("width", [1280, 390])
def test_typing_updates_the_checks_panel(browser, live_server, story, screenshot, width):
    context, page = at_width(browser, live_server, width)
    watch = Watch(page)
    log_in(page, "eddie")
    page.goto(reverse("admin:articles_article_change", args=[story.pk]))
    summary = page.locator(".article-checks-summary")
    page.wait_for_function(
        "() => document.querySelector('.article-checks-summary').textContent !== ''"
    )
    assert summary.inner_text() == "No problems found."

    page.fill("#id_headline", HEADLINE)
    body = page.locator("#id_body")
    body.click()
    page.keyboard.press("End")
    page.keyboard.type(f"\n\nNeighbours said {NAME} was often alone.")
    page.wait_for_selector(".markdownx-preview mark.check-hit")

    marked = page.locator(".markdownx-preview mark.check-hit")
    assert marked.all_inner_texts() == [NAME]
    assert summary.inner_text() == "1 to fix before this can be published, 1 suggestion."
    items = page.locator(".article-checks-list li").all_inner_texts()
    assert items[0].startswith(f"Blocks publishing: Identifies someone: “{NAME}”")
    assert items[1].startswith(f"Advice: The headline is {len(HEADLINE.strip())} characters")
    panel = page.locator(".article-checks").bounding_box()
    preview = page.locator(".markdownx-preview").bounding_box()
    assert panel["y"] >= preview["y"] + preview["height"]  # under the preview

    page.locator(".article-checks").scroll_into_view_if_needed()
    overflow = horizontal_overflow(page)
    path = screenshot(page, "admin-article-checks")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    page.locator(".markdownx").screenshot(path=str(SHOTS / f"checks-panel-{width}.png"))

    # Taking the name out clears the mark and the finding.
    page.fill("#id_body", "The review was published on Monday.")
    page.wait_for_function(
        "() => !document.querySelector('.markdownx-preview mark.check-hit')"
        " && document.querySelector('.article-checks-summary').textContent === '1 suggestion.'"
    )
    assert Article.objects.get(pk=story.pk).version == story.version  # nothing was saved
    context.close()
    assert overflow <= 0, f"the form scrolls sideways by {overflow}px at {width}px"
    assert not watch.problems, watch.problems
