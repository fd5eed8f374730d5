"""Sitemaps and robots.txt: exactly the published URLs, absolute, with lastmod."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def world(settings):
    settings.SITE_URL = SITE
    now = timezone.now()
    public_section, hidden_section = make_section(slug="public"), make_section(slug="hidden")
    public_tag, hidden_tag = make_tag(slug="public-tag"), make_tag(slug="hidden-tag")
    public_author, hidden_author = make_author(slug="pub-author"), make_author(slug="hid-author")
    filed = {"section": public_section, "tags": [public_tag], "authors": [public_author]}
    hidden = {"section": hidden_section, "tags": [hidden_tag], "authors": [hidden_author]}
    published = [
        make_article(headline="Fresh", published_at=now - timedelta(hours=2), **filed),
        make_article(headline="Older", published_at=now - timedelta(days=5), **filed),
    ]
    make_article(status=Article.Status.DRAFT, published_at=None, **hidden)
    make_article(published_at=now + timedelta(hours=1), **hidden)
    make_article(expires_at=now - timedelta(minutes=1), **hidden)
    return published


def _xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314  (our own output, not untrusted XML)


def _locs(root):
    return [loc.text for loc in root.iterfind("sm:url/sm:loc", NS)]


def test_index_lists_every_sitemap_with_lastmod(client, world):
    root = _xml(client, "/sitemap.xml")
    entries = {
        entry.find("sm:loc", NS).text: entry.find("sm:lastmod", NS)
        for entry in root.iterfind("sm:sitemap", NS)
    }
    names = ["articles", "sections", "tags", "authors"]
    for name in names:
        lastmod = entries[f"{SITE}/sitemap-{name}.xml"]
        assert lastmod is not None and lastmod.text.startswith(str(timezone.now().year))
    assert f"{SITE}/sitemap-news.xml" in entries
    assert len(entries) == 5


def test_article_sitemap_lists_exactly_the_published(client, world):
    root = _xml(client, "/sitemap-articles.xml")
    assert sorted(_locs(root)) == sorted(SITE + a.get_absolute_url() for a in world)
    assert all(url.find("sm:lastmod", NS) is not None for url in root.iterfind("sm:url", NS))


@pytest.mark.parametrize(
    ("name", "public"),
    [
        ("sections", "/section/public/"),
        ("tags", "/tag/public-tag/"),
        ("authors", "/author/pub-author/"),
    ],
)
def test_filed_under_sitemaps_list_only_what_has_published_articles(client, world, name, public):
    root = _xml(client, f"/sitemap-{name}.xml")
    assert _locs(root) == [SITE + public]


def test_news_sitemap_has_the_last_two_days(client, world):
    root = _xml(client, "/sitemap-news.xml")
    assert _locs(root) == [SITE + world[0].get_absolute_url()]
    news = root.find("sm:url/news:news", NS)
    assert news.find("news:publication/news:name", NS).text == "Standfirst"
    assert news.find("news:publication/news:language", NS).text == "en"
    assert news.find("news:title", NS).text == "Fresh"
    assert news.find("news:publication_date", NS).text.startswith(str(timezone.now().year))


def test_unknown_sitemap_is_404(client, world):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_names_the_sitemaps_and_keeps_crawlers_out(client, world):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /search/" in lines
    assert not any("admin" in line for line in lines)  # a moved admin path stays unlisted
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/sitemap-news.xml" in lines
