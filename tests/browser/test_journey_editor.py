"""The editor's journey in real Chromium: log in, write with the live preview, file, schedule,
watch the article go public on time, and meet another editor's save in the middle of an edit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from articles.markdown import render
from articles.models import Article, Callout
from tests.browser.journeys import Watch, admin_url, log_in, wait_until
from tests.factories import make_author, make_section, make_staff, make_tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Ferry timetable cut leaves island without evening crossings"
BODY = (
    "## What the timetable shows\n\n"
    "The last crossing now leaves at *five o'clock*, two hours earlier than before. "
    "Read [the operator's notice](https://example.org/notice).\n\n"
    "- Evening shifts on the mainland are out of reach\n"
    "- The school bus connection is gone\n"
)


def hero_jpeg(tmp_path):
    """A real JPEG written by Pillow, as a camera would hand it over."""
    path = tmp_path / "ferry.jpg"
    image = Image.new("RGB", (1600, 1000), (30, 80, 120))
    image.paste((240, 200, 60), (500, 300, 900, 600))
    image.save(path, "JPEG", quality=85)
    return path


def choose(page, select_id, text):
    """Pick `text` in one of the admin's autocomplete (select2) widgets by typing, as people do."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.keyboard.type(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def editor_context(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.viewport_name = "desktop"
    log_in(page, username)
    return context, page


@pytest.fixture
def newsroom(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_staff("editor.one")
    make_staff("editor.two")
    return {
        "section": make_section(name="Islands", slug="islands"),
        "tags": [make_tag(name="Ferries", slug="ferries"), make_tag(name="Transport")],
        "author": make_author(name="Morag Reporter", slug="morag-reporter"),
        "callout": Callout.objects.create(text="Tell us how the cut affects you."),
    }


def test_editor_writes_schedules_and_meets_an_edit_conflict(
    browser, live_server, newsroom, tmp_path, screenshot
):
    context, page = editor_context(browser, live_server, "editor.one")
    watch = Watch(page)
    page.goto(admin_url("articles/article/add/"))

    page.fill("#id_kicker", "Transport")
    page.fill("#id_headline", HEADLINE)
    page.fill("#id_standfirst", "Islanders say the change was made without asking them.")
    page.locator("#id_body").press_sequentially(BODY)
    preview = page.locator(".markdownx-preview")
    preview.locator("ul li").nth(1).wait_for()
    for selector in ("h2", "em", "a[href='https://example.org/notice']", "ul > li"):
        assert preview.locator(selector).count() >= 1, selector
    # The preview comes from the same articles.markdown.render() as the public page.
    expected = page.evaluate(
        "html => { const d = document.createElement('div'); d.innerHTML = html;"
        " return d.innerHTML; }",
        render(BODY),
    )
    preview_html = preview.inner_html()
    assert preview_html.strip() == expected.strip()

    page.set_input_files("#id_hero_image", str(hero_jpeg(tmp_path)))
    page.fill("#id_hero_alt", "The ferry at the island slipway at dusk")
    page.select_option("#id_section", label="Islands")
    choose(page, "id_tags", "Ferries")
    choose(page, "id_tags", "Transport")
    choose(page, "id_callouts", "Tell us how")
    choose(page, "id_byline_set-0-author", "Morag Reporter")
    page.select_option("#id_status", "published")
    screenshot(page, "journey-editor-add-form")

    # Scheduled a few seconds ahead, in the site's time zone (the admin's widgets use it).
    publish_at = timezone.localtime() + timedelta(seconds=12)
    page.fill("#id_published_at_0", publish_at.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", publish_at.strftime("%H:%M:%S"))
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()

    article = Article.objects.get(headline=HEADLINE)
    assert article.publishing_state() == Article.State.SCHEDULED
    assert article.hero_alt == "The ferry at the island slipway at dusk"
    assert sorted(article.tags.values_list("name", flat=True)) == ["Ferries", "Transport"]
    assert list(article.authors.values_list("name", flat=True)) == ["Morag Reporter"]
    assert list(article.callouts.values_list("text", flat=True)) == [newsroom["callout"].text]

    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    home = live_server.url + "/"
    reader.goto(home)
    assert timezone.now() < article.published_at, "saving took longer than the schedule"
    assert reader.get_by_role("link", name=HEADLINE).count() == 0

    def listed():
        reader.goto(home)
        return reader.get_by_role("link", name=HEADLINE).count() == 1

    assert wait_until(listed, seconds=60), "the scheduled article never reached the home page"
    assert timezone.now() >= article.published_at
    reader.get_by_role("link", name=HEADLINE).click()
    body = reader.locator(".article-body")
    # The public page shows exactly what the preview showed.
    assert body.inner_html().strip() == preview_html.strip()
    assert reader.locator(".hero img").get_attribute("alt") == (
        "The ferry at the island slipway at dusk"
    )
    reader.context.close()

    # Two editors open the same article; the first saves, the second's save is refused.
    other_context, other = editor_context(browser, live_server, "editor.two")
    change = admin_url(f"articles/article/{article.pk}/change/")
    page.goto(change)
    other.goto(change)
    page.fill("#id_standfirst", "Islanders say nobody asked them before the change.")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()

    second_text = BODY + "\nThe operator says the cut is temporary.\n"
    other.fill("#id_body", second_text)
    other.click("input[name=_continue]")
    errors = other.locator(".errornote, .errorlist")
    errors.first.wait_for()
    assert "Someone else saved this article while you were editing it" in other.content()
    assert other.input_value("#id_body") == second_text  # the second editor's text is kept
    changes = other.locator(".revision-diff").inner_text()
    assert "nobody asked them" in changes  # the first editor's change is shown
    assert "Search vector" not in changes  # derived data is not an editor's change
    screenshot(other, "journey-editor-conflict")
    other_context.close()
    context.close()

    article.refresh_from_db()
    assert article.standfirst == "Islanders say nobody asked them before the change."
    assert "temporary" not in article.body
    assert watch.problems == []
