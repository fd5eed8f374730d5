"""Typed corrections: on the article, on /corrections/ and its feed, in structured data."""

from datetime import timedelta

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.actions import corrections
from articles.metadata import correction_items, policy_links
from articles.models import Article, Correction, PolicyPage
from tests.factories import SYSTEM, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected():
    article = make_article(headline="Council budget story")
    earlier = timezone.now() - timedelta(days=2)
    Correction.objects.create(
        article=article, kind="clarification", text="We clarified the date.", published_at=earlier
    )
    Correction.objects.create(article=article, kind="correction", text="The sum was £4m, not £40m.")
    return article


def test_adding_a_correction_bumps_the_modified_date():
    article = make_article()
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=3))
    before = Article.objects.get().updated_at
    corrections.add(SYSTEM, Correction(article=article, text="Spelling of a name."))
    assert Article.objects.get().updated_at > before


def test_article_shows_the_latest_on_top_and_all_at_the_foot(client, corrected):
    html = client.get(corrected.get_absolute_url()).content.decode()
    top = html.index('class="correction-latest"')
    foot = html.index('id="corrections"')
    body = html.index('class="article-body"')
    assert top < body < foot
    assert "The sum was £4m, not £40m." in html[top:body]
    assert "We clarified the date." not in html[top:body]
    assert "We clarified the date." in html[foot:] and "The sum was £4m" in html[foot:]
    assert "<strong>Clarification</strong>" in html and "<strong>Correction</strong>" in html


def test_corrections_page_and_feed_list_only_public_articles(client, corrected):
    draft = make_article(headline="Secret draft", status=Article.Status.DRAFT, published_at=None)
    Correction.objects.create(article=draft, text="Draft fix.")
    page = client.get("/corrections/").content.decode()
    assert "Council budget story" in page and "The sum was £4m" in page
    assert "Secret draft" not in page and "Draft fix." not in page

    response = client.get(reverse("articles:corrections_feed"))
    assert response.status_code == 200 and not response.cookies
    feed = feedparser.parse(response.content)
    assert [e.title for e in feed.entries] == [
        "Correction: Council budget story",
        "Clarification: Council budget story",
    ]
    assert feed.entries[0].link.endswith(
        corrected.get_absolute_url() + f"#correction-{corrected.corrections.first().pk}"
    )
    assert "Draft fix." not in response.content.decode()


def test_structured_data_items(corrected):
    items = correction_items(corrected)
    assert [item["@type"] for item in items] == ["CorrectionComment", "CorrectionComment"]
    assert items[0]["text"] == "Correction: The sum was £4m, not £40m."
    assert items[0]["url"].startswith(settings.SITE_URL + corrected.get_absolute_url())
    assert items[1]["datePublished"] < items[0]["datePublished"]


def test_policy_pages_and_their_structured_data_links(client):
    PolicyPage.objects.all().delete()  # not the starter pages a fresh site has
    for kind, slug in [("corrections", "corrections-policy"), ("ethics", "ethics"),
                       ("masthead", "masthead"), ("feedback", "feedback")]:  # fmt: skip
        PolicyPage.objects.create(title=slug.title(), slug=slug, kind=kind, body="We *do* this.")
    response = client.get("/about/ethics/")
    assert response.status_code == 200 and b"We <em>do</em> this." in response.content
    assert client.get("/about/nothing/").status_code == 404
    assert policy_links() == {
        "correctionsPolicy": f"{settings.SITE_URL}/about/corrections-policy/",
        "ethicsPolicy": f"{settings.SITE_URL}/about/ethics/",
        "masthead": f"{settings.SITE_URL}/about/masthead/",
        "actionableFeedbackPolicy": f"{settings.SITE_URL}/about/feedback/",
        "publishingPrinciples": f"{settings.SITE_URL}/about/ethics/",
    }


def test_work_type_label_on_the_page(client):
    article = make_article(work_type=Article.WorkType.OPINION)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p class="work-type work-type-opinion">Opinion</p>' in html
