"""Moderation at a glance in real Chromium: a moderator opens the comment queue, reads the
counts by state, reaches a row's Approve button with Tab alone and presses Enter; at 1280
and 390 px, with no sideways scroll and no serious or critical axe violation. Without
JavaScript, a row's Remove button works the same."""

import pytest

from articles.models import Comment
from tests.browser.conftest import describe
from tests.browser.journeys import Watch, admin_url, at_width, horizontal_overflow, log_in
from tests.factories import make_article, make_comment, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
QUEUE = admin_url("articles/comment/")


@pytest.fixture
def queue():
    make_member("mod", "Moderators")
    story = make_article(headline="Harbour wall report")
    other = make_article(headline="Ferry timetable changes for the winter")
    make_comment(story, body="Already approved, and on the page.")
    waiting = {
        width: make_comment(
            story,
            name=f"Reader at {width}",
            body=f"Please approve me ({width}). The wall has needed work since the storm.",
            status=Comment.Status.PENDING,
        )
        for width in WIDTHS
    }
    make_comment(other, body="A long comment that the excerpt cuts short " * 5, status="pending")
    make_comment(other, body="Buy cheap watches", status=Comment.Status.SPAM)
    return waiting


def _counts(page):
    return [" ".join(t.split()) for t in page.locator(".moderation-states a").all_inner_texts()]


def _focused_value(page):
    return page.evaluate("document.activeElement.value || ''")


def test_keyboard_moderation_at_1280_and_390_px(browser, live_server, queue, axe, screenshot):
    seen = {}
    for width in WIDTHS:
        context, page = at_width(browser, live_server, width)
        watch = Watch(page)
        log_in(page, "mod")
        page.goto(QUEUE)
        got = seen[width] = {
            "counts": _counts(page),
            "overflow": horizontal_overflow(page),
            "axe": describe(axe(page, impacts={"serious", "critical"})),
        }
        screenshot(page, "admin-comment-queue")
        target = f"approved:{queue[width].pk}"
        for _ in range(300):  # Tab onwards, as a keyboard user does, to the row's button
            page.keyboard.press("Tab")
            if _focused_value(page) == target:
                break
        got["focused"] = _focused_value(page)
        got["focus_text"] = page.evaluate("document.activeElement.textContent")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        got["message"] = page.locator(".messagelist").inner_text()
        got["after"] = _counts(page)
        got["rows"] = page.locator("#result_list tbody tr").count()
        screenshot(page, "admin-comment-queue-after-approve")
        got["problems"] = watch.problems
        context.close()
    for width, pending in zip(WIDTHS, (3, 2), strict=True):
        got = seen[width]
        assert got["counts"] == [
            f"{pending} Pending", f"{4 - pending} Approved", "1 Spam", "0 Removed", "5 All"
        ], width  # fmt: skip
        assert got["overflow"] <= 0, f"the queue scrolls sideways at {width}px"
        assert not got["axe"], f"{width}px:\n{got['axe']}"
        assert (got["focused"], got["focus_text"]) == (f"approved:{queue[width].pk}", "Approve")
        assert got["message"].strip() == "Approved 1 comment(s)."
        assert got["after"][0] == f"{pending - 1} Pending"
        assert got["rows"] == pending - 1  # the approved one left the pending list
        assert not got["problems"], got["problems"]
    assert {c.status for c in queue.values()} == {Comment.Status.PENDING}  # stale objects
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in queue.values()]).values_list(
            "status", flat=True
        )
    ) == {Comment.Status.APPROVED}


def test_without_javascript_a_row_button_still_works(browser, live_server, queue):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "mod")
    page.goto(QUEUE)
    comment = queue[390]
    page.click(f'button[value="removed:{comment.pk}"]')
    message = page.locator(".messagelist").inner_text()
    context.close()
    assert message.strip() == "Removed 1 comment(s)."
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
