"""The reader's journey in real Chromium at 390 px and 1280 px, and the quality gates every
public page must pass: no console errors or failed requests, no sideways scrolling at 320 px,
no serious or critical axe violation, and a page that works from the keyboard alone."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.models import Article, Callout, Comment, RelatedArticle, SiteSettings
from tests.browser.conftest import describe
from tests.browser.journeys import Watch, admin_url, horizontal_overflow, log_in
from tests.conftest import SEED
from tests.factories import (
    import_published,
    make_article,
    make_author,
    make_member,
    make_section,
    make_tag,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The fill-time floor is tested without a browser; here forms are sent once filled.
    pytest.mark.usefixtures("no_fill_floor"),
]

HEADLINE = "Care home inspections fall behind as council cuts its team"


@pytest.fixture
def no_fill_floor():
    with override_settings(STANDFIRST_COMMENT_MIN_FILL_SECONDS=0):
        yield


@pytest.fixture
def newsroom():
    """A small publication: one open story with everything on it, older stories around it,
    and the imported seed article, whose comments are closed."""
    SiteSettings.load()
    health = make_section(name="Health", slug="health")
    inspections = make_tag(name="Inspections", slug="inspections")
    now = timezone.now()
    older = [
        make_article(
            headline=f"Inspection report {n} published for riverside home",
            section=health,
            tags=[inspections],
            published_at=now - timedelta(days=n + 1),
        )
        for n in range(3)
    ]
    story = make_article(
        kicker="Investigation",
        headline=HEADLINE,
        standfirst="Homes wait two years for a visit, figures obtained by us show.",
        body=(
            "## Two years between visits\n\nThe council's own *figures* show the gap.\n\n"
            "- Six inspectors left\n- None were replaced\n"
        ),
        section=health,
        tags=[inspections],
        authors=[make_author(name="Priya Reporter", slug="priya-reporter")],
        published_at=now - timedelta(minutes=30),
    )
    story.callouts.add(Callout.objects.create(text="Work in a care home? Tell us in confidence."))
    RelatedArticle.objects.create(article=story, target=older[0], position=0)
    import_published(str(SEED), "--publish", verbosity=0)
    make_member("moderator", "Moderators")
    return {
        "story": story,
        "seed": Article.objects.exclude(pk__in=[story.pk, *(a.pk for a in older)]).get(),
    }


def gates(page, axe, watch, name, screenshot):
    """The checks every public page passes, then its screenshot."""
    problems = [*watch.problems]
    serious = axe(page, impacts=("serious", "critical"))
    assert not serious, f"{name}: {describe(serious)}"
    assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways"
    assert problems == [], name
    screenshot(page, f"journey-reader-{name}")


def test_reader_journey(page, viewport, live_server, newsroom, axe, screenshot):
    story, seed = newsroom["story"], newsroom["seed"]
    watch = Watch(page)

    page.goto("/")
    gates(page, axe, watch, "home", screenshot)
    page.get_by_role("link", name=HEADLINE).first.click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.locator("h1").inner_text() == HEADLINE
    assert page.locator(".standfirst").inner_text().startswith("Homes wait two years")
    assert "Priya Reporter" in page.locator(".article-header").inner_text()
    body = page.locator(".article-body")
    assert body.locator("h2").inner_text() == "Two years between visits"
    assert body.locator("li").count() == 2
    assert "Tell us in confidence" in page.locator(".callouts").inner_text()
    related = page.locator(".related")
    assert related.get_by_role("link", name="Inspection report 0 published").count() == 1
    gates(page, axe, watch, "article", screenshot)

    page.get_by_role("search", name="Site search").get_by_label("Search articles").fill(
        "inspectors"
    )
    page.get_by_role("search", name="Site search").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=inspectors")
    assert page.get_by_role("main").get_by_role("link", name=HEADLINE).count() == 1
    gates(page, axe, watch, "search", screenshot)

    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Health").click()
    page.wait_for_url("**/section/health/")
    assert page.get_by_role("main").get_by_role("link", name=HEADLINE).count() == 1
    gates(page, axe, watch, "section", screenshot)

    page.goto(story.get_absolute_url())
    page.get_by_role("navigation", name="Tags").get_by_role("link", name="Inspections").click()
    page.wait_for_url("**/tag/inspections/")
    assert page.get_by_role("main").get_by_role("link", name=HEADLINE).count() == 1

    # A reader comments; a moderator approves it in the admin; the reader sees it.
    page.goto(story.get_absolute_url())
    page.fill("#comment-name", f"Reader on a {viewport}")
    page.fill("#comment-email", "reader@example.net")
    page.fill("#comment-body", "My mother's home has not been visited since 2023.")
    page.get_by_role("button", name="Send comment").click()
    notice = page.locator(".comment-notice")
    assert notice.inner_text() == "Thank you: your comment awaits moderation."
    assert page.locator(".comment-list").count() == 0
    comment = Comment.objects.get(article=story)
    assert comment.status == Comment.Status.PENDING

    moderator = page.context.browser.new_context(
        base_url=live_server.url, viewport=page.viewport_size
    )
    admin = moderator.new_page()
    admin.viewport_name = page.viewport_name
    log_in(admin, "moderator")
    admin.goto(admin_url("articles/comment/"))
    admin.locator(f"input[name=_selected_action][value='{comment.pk}']").check()
    admin.select_option("select[name=action]", "approve")
    admin.click("button[name=index]")
    admin.locator(".messagelist .success").wait_for()
    screenshot(admin, "journey-moderator-approved")
    moderator.close()

    # A reload asks the server again; a plain visit may show the browser's copy, which
    # public pages allow for max-age (60 s), as a CDN would.
    page.reload()
    comments = page.locator("#comments")
    assert "My mother's home has not been visited since 2023." in comments.inner_text()
    assert comments.locator(".comment-count").inner_text() == "(1)"
    screenshot(page, "journey-reader-article-with-comment")

    page.goto(seed.get_absolute_url())
    assert "Comments are closed." in page.locator("#comments").inner_text()
    assert page.locator("#comment-form").count() == 0
    screenshot(page, "journey-reader-seed-article")
    assert watch.problems == []


PAGES = {
    "home": lambda story: "/",
    "article": lambda story: story.get_absolute_url(),
    "section": lambda story: story.section.get_absolute_url(),
    "search": lambda story: "/search/?q=inspections",
    "comment-form": lambda story: story.get_absolute_url() + "comment/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_public_pages_pass_the_quality_gates_at_320px(page, newsroom, axe, name):
    page.set_viewport_size({"width": 320, "height": 700})
    watch = Watch(page)
    response = page.goto(PAGES[name](newsroom["story"]))
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways at 320 px"
    serious = axe(page, impacts=("serious", "critical"))
    assert not serious, describe(serious)
    assert watch.problems == []


def focused(page):
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def test_keyboard_alone_skips_to_content_and_sends_a_comment(page, newsroom):
    story = newsroom["story"]
    page.goto(story.get_absolute_url())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert focused(page) == "main"

    for _ in range(200):  # Tab onwards, as a keyboard user does, to the comment form
        page.keyboard.press("Tab")
        if focused(page) == "comment-name":
            break
    assert focused(page) == "comment-name"
    page.keyboard.type("Keyboard Reader")
    page.keyboard.press("Tab")
    page.keyboard.type("keys@example.net")
    page.keyboard.press("Tab")
    assert focused(page) == "comment-body"
    page.keyboard.type("Sent without touching a mouse.")
    page.keyboard.press("Tab")  # the honeypot field is out of the tab order
    assert page.evaluate("document.activeElement.textContent") == "Send comment"
    page.keyboard.press("Enter")
    page.wait_for_url("**?comment=pending#comments")
    assert page.locator(".comment-notice").is_visible()
    assert Comment.objects.get().body == "Sent without touching a mouse."
