"""A refused live edit, as an editor sees it: the reason at the top of the form, the text
kept, and (for an overridable licence problem) the reason field offered."""

import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.factories import import_published, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_live_edit_shows_why_at_the_top(browser, live_server, seed_path, screenshot):
    import_published(str(seed_path), "--publish", "--licence", "CC BY-ND",
        stdout=io.StringIO(),
    )  # fmt: skip
    article = Article.objects.get()
    client = Client()
    client.force_login(make_member("eddie", "Editors"))
    host = live_server.url.split("//")[1].split(":")[0]
    for name, width in (("phone", 390), ("desktop", 1280)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "domain": host, "path": "/",
        }])  # fmt: skip
        page = context.new_page()
        page.viewport_name = name
        page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
        body = page.locator("#id_body")
        body.fill(body.input_value().replace("had enough information", "had plenty of information"))
        page.locator("input[name=_continue]").click()
        page.wait_for_load_state()
        note = page.locator(".errornote, .errorlist.nonfield").first
        assert note.is_visible()
        assert note.bounding_box()["y"] < page.locator("fieldset").first.bounding_box()["y"]
        assert "Quote changed" in page.locator(".errorlist.nonfield").inner_text()
        assert page.locator("#id_override_reason").is_visible()
        assert "plenty of information" in page.locator("#id_body").input_value()
        screenshot(page, "refused-live-edit")
        context.close()
    assert "plenty" not in Article.objects.get().body
