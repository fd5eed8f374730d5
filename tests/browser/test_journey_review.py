"""A sensitive story's review in real Chromium, at 1280 and 390 px: the writer sends it for
review, the editor approves their step and emails a lawyer a sign-off link, the lawyer
(no account) reads the story as it will appear and approves it, and the editor publishes
it. Publishing is refused until the lawyer has approved. Screenshots of each stage."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from articles.models import Article, AuditEntry, Workflow, WorkflowStep
from tests.browser.conftest import describe
from tests.browser.journeys import Watch, at_width, horizontal_overflow, log_in
from tests.browser.test_admin_article_form_browser import ours
from tests.factories import make_article, make_member, make_section, with_helpline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Serious case review: chances to help four-year-old were missed"


@pytest.fixture
def story():
    workflow = Workflow.objects.create(name="Safeguarding desk")
    WorkflowStep.objects.create(workflow=workflow, position=1, name="Editor", kind="editor")
    section = make_section(name="Children", slug="children", workflow=workflow)
    writer = make_member("wendy", "Writers")
    make_member("eddie", "Editors")
    with_helpline()
    return make_article(
        headline=HEADLINE,
        standfirst="High workloads meant opportunities to intervene were missed, a review finds.",
        body="The serious case review found that services struggled to build a clear "
        "picture of the family.\n\nSocial workers who visited saw only the living room.",
        status=Article.Status.DRAFT,
        published_at=None,
        sensitive=True,
        section=section,
        created_by=writer,
    )


def session(browser, live_server, width, username=None):
    context, page = at_width(browser, live_server, width)
    if username:
        log_in(page, username)
    return context, page


def panel_status(page):
    return page.locator(".review-summary").inner_text()


def check_page(page, axe):
    assert horizontal_overflow(page) <= 0, "the page scrolls sideways"
    serious = [v for v in ours(axe(page)) if v["impact"] in ("serious", "critical")]
    assert not serious, describe(serious)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_sensitive_story_goes_writer_editor_lawyer_then_public(
    browser, live_server, story, axe, screenshot, width
):
    change = reverse("admin:articles_article_change", args=[story.pk])

    # The writer sends the draft for review.
    context, page = session(browser, live_server, width, "wendy")
    watch = Watch(page)
    page.goto(change)
    assert panel_status(page) == "Not sent for review: needs Editor, Legal"
    assert "Required: a sensitive story." in page.locator("#review").inner_text()
    page.fill("#review-comment", "Ready: the family is not named.")
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_selector(".messagelist .success")
    assert panel_status(page) == "In review: waiting for Editor"
    assert page.get_by_role("button", name="Send for review").count() == 0  # sent already
    page.locator("#review").scroll_into_view_if_needed()
    screenshot(page, "review-1-writer-sent")
    assert not watch.problems, watch.problems
    check_page(page, axe)
    context.close()

    # The editor approves their step, tries to publish (refused), and emails the lawyer.
    context, page = session(browser, live_server, width, "eddie")
    watch = Watch(page)
    page.goto(change)
    page.get_by_role("button", name="Approve Editor").click()
    page.wait_for_selector(".messagelist .success")
    assert panel_status(page) == "In review: waiting for Legal"
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    page.wait_for_selector(".errornote, .errorlist")
    assert "Needs the Legal step's approval" in page.content()
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT
    page.goto(change)
    page.fill("#review-name", "Sam Counsel")
    page.fill("#review-email", "sam@lawfirm.example")
    page.get_by_role("button", name="Email the sign-off link").click()
    page.wait_for_selector(".messagelist .success")
    assert "emailed to sam@lawfirm.example" in page.locator(".messagelist").inner_text()
    page.locator("#review").scroll_into_view_if_needed()
    screenshot(page, "review-2-editor-sent-link")
    assert not watch.problems, watch.problems
    check_page(page, axe)
    context.close()

    # The lawyer, with no account, opens the link from the email and approves.
    (url,) = re.findall(r"https?://\S+/sign-off/\S+/", mail.outbox[-1].body)
    context, page = session(browser, live_server, width)
    watch = Watch(page)
    response = page.goto(urlsplit(url).path)
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert "no-store" in response.headers["cache-control"]
    assert page.get_by_role("heading", name=HEADLINE).is_visible()
    screenshot(page, "review-3-lawyer-reads")
    assert not watch.problems, watch.problems
    check_page(page, axe)
    watch.problems.clear()  # axe itself sets inline styles, which the CSP refuses
    page.get_by_label("Approve").check()
    page.fill("textarea[name=comment]", "Cleared: nothing identifies the children.")
    page.get_by_role("button", name="Send my decision").click()
    page.wait_for_selector("text=your decision is recorded")
    screenshot(page, "review-4-lawyer-done")
    assert page.goto(urlsplit(url).path).status == 410  # once only
    assert [p for p in watch.problems if "410" not in p] == [], watch.problems
    context.close()

    # The editor sees the approval and publishes; readers see the story.
    context, page = session(browser, live_server, width, "eddie")
    page.goto(change)
    assert panel_status(page) == "Approved: ready to publish"
    assert "Approved by Sam Counsel (by link)" in page.locator("#review").inner_text()
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success, .errornote")
    assert not page.locator(".errornote").count(), page.locator("#content").inner_text()[:1500]
    article = Article.objects.get(pk=story.pk)
    assert article.is_published()
    context.close()
    assert list(
        AuditEntry.objects.filter(article=article)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )[-5:] == [
        "review_submitted",
        "review_approved",
        "sign_off_link_sent",
        "review_approved",
        "published",
    ]
    context, page = session(browser, live_server, width)
    page.goto(article.get_absolute_url())
    assert page.get_by_role("heading", name=HEADLINE).is_visible()
    screenshot(page, "review-5-published")
    context.close()
