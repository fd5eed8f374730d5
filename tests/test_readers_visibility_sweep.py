"""The visibility sweep (CONVENTIONS 18): a draft, a scheduled, an expired and a published
article, with unique marker titles none of which contains another, each with a correction
naming its marker, and every public surface (the corrections log and its feed included)
checked for exactly the published one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db

MARKERS = {
    "published": "Amethyst Lantern",
    "draft": "Basalt Kettle",
    "scheduled": "Cobalt Trumpet",
    "expired": "Dolomite Saddle",
}
HIDDEN = ("draft", "scheduled", "expired")


@pytest.fixture
def sweep():
    now = timezone.now()
    section, tag, author = (
        make_section(slug="sweep"),
        make_tag(slug="sweep"),
        make_author(slug="sweep"),
    )
    states = {
        "published": {},
        "draft": {"status": Article.Status.DRAFT},
        "scheduled": {"published_at": now + timedelta(hours=1)},
        "expired": {"expires_at": now - timedelta(minutes=1)},
    }
    articles = {}
    for state, extra in states.items():
        title = MARKERS[state]
        articles[state] = make_article(
            headline=title,
            slug=title.lower().replace(" ", "-"),
            standfirst=f"{title} standfirst.",
            body=f"{title} body mentions the sweepword.",
            section=section,
            tags=[tag],
            authors=[author],
            featured=True,
            **({"published_at": now - timedelta(minutes=30)} | extra),
        )
        # Something for /corrections/ and its feed to show (published) or hide (the rest).
        Correction.objects.create(
            article=articles[state],
            text=f"{title} correction: a name was misspelt.",
            published_at=now - timedelta(minutes=5),
        )
    # A neighbour whose related block could show any of them (shared tag and section).
    neighbour = make_article(headline="Neighbour", section=section, tags=[tag])
    for position, state in enumerate(MARKERS):
        neighbour.related_links.create(target=articles[state], position=position)
    return articles, neighbour


def _surfaces(articles, neighbour):
    day = articles["published"].pub_date
    return [
        "/",
        "/section/sweep/",
        "/tag/sweep/",
        "/author/sweep/",
        f"/{day:%Y}/",
        f"/{day:%Y}/{day:%m}/",
        f"/{day:%Y}/{day:%m}/{day:%d}/",
        "/search/?q=sweepword",
        "/search/?q=standfirst",
        "/feed/",
        "/feed/atom/",
        "/section/sweep/feed/",
        "/section/sweep/feed/atom/",
        "/tag/sweep/feed/",
        "/tag/sweep/feed/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
        "/corrections/",
        "/corrections/feed/",
        neighbour.get_absolute_url(),
        articles["published"].get_absolute_url(),
    ]


def test_only_the_published_marker_appears_anywhere(client, sweep):
    articles, neighbour = sweep
    published_slug = articles["published"].slug
    for url in _surfaces(articles, neighbour):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for state in HIDDEN:
            assert MARKERS[state] not in body, (url, state)
            assert articles[state].slug not in body, (url, state)
        if "sitemap.xml" not in url:
            assert MARKERS["published"] in body or published_slug in body, url
    for url in ("/corrections/", "/corrections/feed/", "/feed/", "/feed/atom/"):
        assert f"{MARKERS['published']} correction" in client.get(url).content.decode(), url


def test_unpublished_article_pages_are_404_for_readers(client, sweep):
    articles, _ = sweep
    for state in HIDDEN:
        assert client.get(articles[state].get_absolute_url()).status_code == 404, state
