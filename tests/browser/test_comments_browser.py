"""Real Chromium posts the cached, token-less form: accepted from our page, refused cross-site."""

from pathlib import Path

import pytest
from django.test import override_settings

from articles.models import Comment, SiteSettings
from tests.factories import make_article

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The fill-time floor is tested without a browser; here the form is sent as soon as filled.
@override_settings(STANDFIRST_COMMENT_MIN_FILL_SECONDS=0)
def test_a_reader_comments_without_javascript_or_cookies(browser, live_server):
    SiteSettings.load()
    article = make_article(headline="Browser story")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + article.get_absolute_url())
        page.locator("#comment-form").screenshot(path=ARTIFACTS / f"comment-form-{width}.png")
    page.fill("#comment-name", "Ann <b>Reader</b>")
    page.fill("#comment-email", "ann.browser@example.net")
    page.fill("#comment-body", "Sent from a real browser.\nSecond line.")
    page.click("#comment-form button[type=submit]")
    url, notice = page.url, page.locator(".comment-notice").inner_text()
    cookies = context.cookies()
    context.close()
    assert url.endswith(f"{article.get_absolute_url()}?comment=pending#comments")
    assert notice == "Thank you: your comment awaits moderation."
    assert cookies == []
    comment = Comment.objects.get()
    assert (comment.name, comment.body) == (
        "Ann <b>Reader</b>",
        "Sent from a real browser.\nSecond line.",
    )


@override_settings(STANDFIRST_COMMENT_MIN_FILL_SECONDS=0)
def test_a_form_on_another_site_is_refused(browser, live_server):
    article = make_article(headline="Target story")
    target = live_server.url + article.get_absolute_url() + "comment/"
    attacker = (
        f'<form method="post" action="{target}">'
        '<input name="name" value="Mallory"><input name="email" value="m@evil.example">'
        '<input name="body" value="Forged comment"></form>'
        "<script>document.forms[0].submit()</script>"
    )
    page = browser.new_page()
    page.route(
        "http://attacker.example/**",
        lambda route: route.fulfill(body=attacker, content_type="text/html"),
    )
    with page.expect_navigation(url=target):
        page.goto("http://attacker.example/page")
    html = page.content()
    page.close()
    assert "This form was not sent from our site" in html
    assert not Comment.objects.exists()
