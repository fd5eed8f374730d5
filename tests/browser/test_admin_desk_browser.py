"""The editor's desk in real Chromium: an editor logs in, reads what needs someone now, and
opens the waiting comments from it; at 1280, 390 and 320 px wide, with no sideways scroll
and no serious or critical axe violation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.actions import safeguarding as safeguarding_actions
from articles.models import (
    Article,
    Comment,
    DoNotIdentify,
    ProblemReport,
    SiteSettings,
    SourceAlert,
)
from tests.browser.conftest import describe
from tests.browser.journeys import Watch, at_width, horizontal_overflow, log_in
from tests.factories import make_article, make_comment, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390, 320)


@pytest.fixture
def newsroom():
    settings_row = SiteSettings.load()
    settings_row.publication_name = "The Harbour Gazette"
    settings_row.save()
    editor = make_member("eddie", "Editors")
    live = make_article(headline="Harbour wall report", body="The harbour master, Ann Lee, spoke.")
    make_comment(live, body="When will the wall be finished?", status=Comment.Status.PENDING)
    ProblemReport.objects.create(article=live, message="The date in the second paragraph is wrong.")
    SourceAlert.objects.create(
        article=live, kind=SourceAlert.Kind.CORRECTED, detail="The original now carries a note."
    )
    entry = DoNotIdentify(article=live, term="Ann Lee", reason=DoNotIdentify.Reason.ANONYMITY)
    safeguarding_actions.save_entry(editor, entry)
    make_article(headline="Ferry timetable", published_at=timezone.now() + timedelta(hours=5))
    make_article(
        headline="Budget leak", status=Article.Status.DRAFT, published_at=None,
        embargo_note="Not before 00:01 Tuesday.",
    )  # fmt: skip
    return editor


def test_the_desk_at_1280_390_and_320_px(browser, live_server, newsroom, axe, screenshot):
    seen = {}
    for width in WIDTHS:
        context, page = at_width(browser, live_server, width)
        watch = Watch(page)
        log_in(page, "eddie")  # lands on the index: the desk
        desk = page.locator(".desk")
        seen[width] = {
            "header": page.locator("#site-name").inner_text(),
            "items": desk.locator("li").all_inner_texts(),
            "waiting": desk.locator(".desk-item-waiting").count(),
            "groups": [
                c.strip() for c in page.locator("#content-main .module caption").all_text_contents()
            ],
            "overflow": horizontal_overflow(page),
            "axe": describe(axe(page, impacts={"serious", "critical"})),
        }
        screenshot(page, "admin-desk")
        desk.get_by_role("link", name="Comments awaiting moderation").click()
        page.wait_for_selector("#result_list")
        screenshot(page, "admin-desk-comments")
        seen[width]["opened"] = page.locator("#result_list tbody tr").all_inner_texts()
        seen[width]["problems"] = watch.problems
        context.close()
    for width in WIDTHS:
        got = seen[width]
        assert got["header"] == "The Harbour Gazette newsroom"
        assert [" ".join(text.split()) for text in got["items"]] == [
            "1 Comments awaiting moderation",
            "1 New reader reports",
            "1 Source alerts: originals changed, corrected or gone",
            "1 Do-not-identify matches awaiting sign-off",
            "1 Stories going public in the next 24 hours",
            "1 Stories under embargo",
            "0 Articles with open notes mentioning you",
            "0 Image licences ending soon",
            "0 Failed background tasks",
            "0 Failed webhook deliveries",
        ], width
        assert got["waiting"] == 6
        assert got["groups"] == [
            "Newsroom",
            "Comments",
            "Trust and safeguarding",
            "Partners",
            "Site",
            "Records",
        ]
        assert got["overflow"] <= 0, f"the desk scrolls sideways at {width}px"
        assert not got["axe"], f"{width}px:\n{got['axe']}"
        assert len(got["opened"]) == 1 and "When will the wall be finished?" in got["opened"][0]
        assert not got["problems"], got["problems"]
