"""The admin change page and the article page in real Chromium, at phone and desktop widths."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.factories import edit, make_article, make_author, make_section, make_staff, make_tag

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo(width=2400, height=1600):
    image = Image.new("RGB", (width, height), (40, 90, 140))
    image.paste((230, 180, 40), (width // 3, height // 3, width // 2, height // 2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="quay.jpg")


@pytest.fixture
def article(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = make_article(
        kicker="Investigation",
        headline="Flood defences on the quay were never finished, council papers show",
        standfirst="Documents seen by us show the work stopped two years ago.",
        body="\n\n".join(
            f"Paragraph {i} of the report, long enough to wrap. " * 3 for i in range(8)
        ),
        section=make_section(name="Environment"),
        tags=[make_tag(name="Flooding"), make_tag(name="Council")],
        authors=[make_author(name="Ann Writer")],
        republish_licence=Article.RepublishLicence.CC_BY_ND,
        embargo_note="Embargoed until 00:01 Tuesday: do not share outside the newsroom.",
        hero_alt="Sandbags stacked on the quay",
        hero_caption="The unfinished wall at high tide.",
        hero_credit="Jane Doe/Agency",
    )
    return edit(article, hero_image=photo())


def test_change_page_and_article_page_at_390_and_1280(browser, live_server, article):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    client = Client()
    client.force_login(make_staff("shooter"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    public = live_server.url + article.get_absolute_url()
    article = edit(
        article,
        headline="Flood defences on the quay were never completed, council papers show",
        body=article.body.replace("Paragraph 3 of", "The third paragraph of", 1),
    )
    revisions = live_server.url + reverse("admin:articles_article_revisions", args=[article.pk])
    seen = {}
    context = browser.new_context()
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    anonymous = browser.new_context().new_page()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(change)
        page.screenshot(path=ARTIFACTS / f"editors-admin-change-{width}.png", full_page=True)
        seen[f"embargo-{width}"] = page.locator(".embargo-warning").is_visible()
        page.goto(revisions)
        page.screenshot(path=ARTIFACTS / f"editors-admin-diff-{width}.png", full_page=True)
        seen[f"diff-{width}"] = page.locator(".revision-diff ins").count()

        anonymous.set_viewport_size({"width": width, "height": 900})
        anonymous.goto(public)
        anonymous.locator(".republish summary").click()
        anonymous.screenshot(path=ARTIFACTS / f"editors-article-{width}.png", full_page=True)
        hero = anonymous.locator(".hero img")
        seen[f"hero-{width}"] = hero.evaluate(
            "img => [img.complete && img.naturalWidth, img.currentSrc,"
            " img.getBoundingClientRect().width]"
        )
        seen[f"overflow-{width}"] = anonymous.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
    context.close()
    anonymous.context.close()
    for width in (390, 1280):
        assert seen[f"embargo-{width}"] and seen[f"diff-{width}"] == 2
        assert seen[f"overflow-{width}"] <= 0, f"horizontal scroll at {width}px"
        natural, src, shown = seen[f"hero-{width}"]
        assert natural and src.endswith(".webp"), seen  # the browser picked a WebP rendition
        assert natural >= shown  # sharp, and not a needlessly huge file:
        assert natural <= 1600
