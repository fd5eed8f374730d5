"""The home page's hierarchy: a lead story with its image, a rail beside it, the rest of the
latest, then a block per section; its images, its trust rules, its cost and its cache."""

import io
import itertools
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.actions import articles as article_actions
from articles.models import Article, SiteSettings
from articles.views.public import HOME_RAIL
from tests.factories import SYSTEM, edit, make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db

# Page weight: the HTML of a full first page (a lead, 10 latest, 3 in each of 4 sections, each
# with its picture) stays under this, images apart. Measured: 30.9 KB (5.3 KB for two stories).
MAX_HOME_BYTES = 40_000
_names = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def with_image(**fields):
    """A published story with a hero image and its renditions (made by the save action)."""
    buffer = io.BytesIO()
    Image.new("RGB", (960, 540), "teal").save(buffer, "JPEG")
    name = f"scene-{next(_names)}.jpg"
    return make_article(
        hero_image=ContentFile(buffer.getvalue(), name), hero_alt="A scene", **fields
    )


def images_of(html, article):
    """The <img> tags showing this article's hero (its stored name is in every rendition)."""
    stem = article.hero_image.name.rsplit(".", 1)[0]
    return [
        tag for tag in re.findall(r"<img [^>]+>", html) if f"{stem}." in tag or f"{stem}-" in tag
    ]


def position(html, text):
    index = html.find(text)
    assert index >= 0, f"{text!r} missing"
    return index


def test_the_lead_comes_first_with_its_image_eager_then_the_rail_then_the_latest(client):
    now = timezone.now()
    lead = with_image(
        headline="Lead of the day", featured=True, published_at=now - timedelta(days=2)
    )
    newest = [
        with_image(headline=f"Newer story {i}", published_at=now - timedelta(hours=i + 1))
        for i in range(HOME_RAIL + 2)
    ]
    html = client.get("/").content.decode()
    top = html[position(html, 'class="home-top"') : position(html, 'id="latest-heading"')]
    rail = top[position(top, 'class="home-rail"') :]
    assert position(top, "Lead of the day") < position(top, 'class="home-rail"')
    assert [f"Newer story {i}" in rail for i in range(HOME_RAIL + 1)] == [True] * HOME_RAIL + [
        False
    ]
    assert position(html, f"Newer story {HOME_RAIL}") > position(html, 'id="latest-heading"')

    # The lead's picture is fetched at once and first; every other one when it nears the screen.
    (lead_img,) = images_of(html, lead)
    assert 'loading="eager" fetchpriority="high"' in lead_img
    assert 'sizes="(min-width: 72rem) 45rem' in lead_img and "480w" in lead_img
    others = [tag for story in newest for tag in images_of(html, story)]
    assert len(others) == len(newest)
    assert all('loading="lazy"' in tag and "fetchpriority" not in tag for tag in others)
    assert html.count('fetchpriority="high"') == 1
    assert all('srcset="' in tag and 'width="' in tag and 'alt="A scene"' in tag for tag in others)


def test_page_two_has_no_lead_and_repeats_nothing(client):
    now = timezone.now()
    featured = with_image(headline="Featured piece", featured=True)
    for i in range(12):
        make_article(headline=f"Story {i:02d}", published_at=now - timedelta(hours=i + 2))
    page2 = client.get("/?page=2").content.decode()
    assert 'class="home-top"' not in page2 and "fetchpriority" not in page2
    assert "Story 10" in page2 and "Story 11" in page2 and "Story 09" not in page2
    assert featured.headline not in page2


def test_without_a_featured_story_the_lead_is_the_newest_that_is_not_sensitive(client):
    now = timezone.now()
    fragile = make_tag(name="Child protection", sensitive=True)
    make_article(
        headline="Newest but sensitive", sensitive=True, published_at=now - timedelta(minutes=5)
    )
    make_article(
        headline="Tagged sensitive", tags=[fragile], published_at=now - timedelta(minutes=9)
    )
    make_article(headline="Plain story", published_at=now - timedelta(hours=2))
    html = client.get("/").content.decode()
    lead = html[position(html, 'class="card card--lead"') : position(html, 'class="home-rail"')]
    assert "Plain story" in lead
    # The sensitive stories are still listed by date, in the rail: never promoted to lead.
    rail = html[position(html, 'class="home-rail"') :]
    assert position(rail, "Newest but sensitive") < position(rail, "Tagged sensitive")


def test_with_only_sensitive_stories_there_is_no_lead_and_they_are_listed(client):
    make_article(headline="Only a sensitive story", sensitive=True)
    html = client.get("/").content.decode()
    assert 'class="home-top"' not in html
    assert position(html, 'id="latest-heading"') < position(html, "Only a sensitive story")


def test_a_fresh_site_says_nothing_is_published_yet(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Nothing has been published yet." in response.content.decode()


def test_a_sensitive_story_shows_no_image_on_home_until_an_editor_confirms(client, settings):
    """Its own page shows the hero beside the content note; home shows none, as a lead
    (an editor featured it) or as a thumbnail (a tag makes it sensitive), until confirmed.
    With the page cache on: the confirmation is a change like any other."""
    settings.STANDFIRST_PAGE_CACHE = True
    SiteSettings.load()
    fragile = make_tag(name="Child protection", sensitive=True)
    featured = with_image(headline="Featured sensitive", featured=True, sensitive=True)
    tagged = with_image(headline="Sensitive by its tag", tags=[fragile])
    plain = with_image(headline="Plain with a picture")
    html = client.get("/").content.decode()
    assert "Featured sensitive" in html[: position(html, 'class="home-rail"')]  # still the lead
    assert "Sensitive by its tag" in html
    assert images_of(html, featured) == [] and images_of(html, tagged) == []
    assert len(images_of(html, plain)) == 1
    assert images_of(client.get(featured.get_absolute_url()).content.decode(), featured)

    edit(featured, social_image_confirmed=True)
    edit(tagged, social_image_confirmed=True)
    html = client.get("/").content.decode()
    assert len(images_of(html, featured)) == 1 and len(images_of(html, tagged)) == 1


def test_a_newly_published_story_shows_up_on_the_cached_home_page(
    client, settings, django_assert_num_queries
):
    settings.STANDFIRST_PAGE_CACHE = True
    SiteSettings.load()
    with_image(headline="Yesterday's lead", featured=True)
    draft = make_article(headline="Breaking story", status=Article.Status.DRAFT, published_at=None)
    assert "Breaking story" not in client.get("/").content.decode()
    with django_assert_num_queries(0):
        assert "Breaking story" not in client.get("/").content.decode()  # from the cache
    article_actions.publish(SYSTEM, draft)
    html = client.get("/").content.decode()
    assert "Breaking story" in html[position(html, 'class="home-rail"') :]


@pytest.mark.parametrize(("n_sections", "per_section", "cards"), [(1, 2, 2), (4, 6, 23)])
def test_home_costs_the_same_queries_whatever_its_sections_and_articles(
    client, settings, django_assert_num_queries, n_sections, per_section, cards
):
    """Five queries, steady state (the layout's settings and menu come from the cache):
    featured, a page of the latest, the per-section lists, tags, bylines. With 4 sections of
    6 every slot is filled (1 lead + 10 latest + 4 × 3), and the HTML stays under
    MAX_HOME_BYTES."""
    settings.STANDFIRST_PAGE_CACHE = False
    now = timezone.now()
    authors = [make_author() for _ in range(3)]
    tags = [make_tag() for _ in range(4)]
    sections = [make_section() for _ in range(n_sections)]
    for i in range(per_section):
        for s, section in enumerate(sections):  # newest first, taking turns
            with_image(
                section=section,
                tags=tags,
                authors=authors,
                published_at=now - timedelta(hours=i * n_sections + s + 1),
                featured=(i, s) == (0, 0),
                kicker="Exclusive",
            )
    client.get("/")
    with django_assert_num_queries(5):
        response = client.get("/")
    html = response.content.decode()
    assert html.count('<article class="card') == cards
    assert html.count("<img ") == cards
    assert len(response.content) < MAX_HOME_BYTES, len(response.content)
