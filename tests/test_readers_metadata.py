"""Sharing and structured data: canonical, description, Open Graph, Twitter, JSON-LD."""

import json
import re

import pytest

from articles.models import Republication
from tests.factories import edit, make_article, make_section, make_tag
from tests.readers_data import newsroom

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def _meta(html, attribute, name):
    pattern = rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">'
    return re.findall(pattern, html)


def test_article_metadata(client):
    data = newsroom()
    lead = data["lead"]
    url = SITE + lead.get_absolute_url()
    html = client.get(lead.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{url}">' in html
    assert _meta(html, "name", "description") == [lead.standfirst]
    assert _meta(html, "property", "og:type") == ["article"]
    assert _meta(html, "property", "og:title") == ["Lead story"]
    assert _meta(html, "property", "og:url") == [url]
    assert _meta(html, "property", "og:image") == [SITE + "/static/img/logo.png"]
    assert _meta(html, "property", "article:section") == ["Social care"]
    assert _meta(html, "property", "article:tag") == [f"Topic {i}" for i in range(5)]
    assert _meta(html, "property", "article:published_time")[0].startswith(
        lead.published_at.astimezone().strftime("%Y-")
    )
    assert _meta(html, "property", "article:modified_time")
    assert _meta(html, "name", "twitter:card") == ["summary"]
    assert _meta(html, "name", "twitter:title") == ["Lead story"]

    ld = _json_ld(html)
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    assert ld["headline"] == "Lead story"
    assert ld["description"] == lead.standfirst
    assert ld["datePublished"] == lead.published_at.isoformat()
    assert ld["dateModified"]
    assert [a["name"] for a in ld["author"]] == ["Ann Writer", "Bo Reporter", "Cy Editor"]
    assert all(a["@type"] == "Person" and a["url"].startswith(SITE) for a in ld["author"])
    assert ld["publisher"]["@type"] == "Organization"
    assert ld["publisher"]["name"] == "Standfirst"
    assert ld["publisher"]["logo"]["url"] == SITE + "/static/img/logo.png"
    assert ld["image"] == [SITE + "/static/img/logo.png"]
    assert ld["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert "isBasedOn" not in ld


def test_the_logo_is_served(client):
    response = client.get("/static/img/logo.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_republished_piece_points_at_its_source_when_the_policy_asks(client):
    source = "https://partner.example.org/2013/11/original-report/"
    article = make_article()
    record = Republication.objects.create(
        article=article,
        publisher="Partner News",
        original_url=source,
        search_policy=Republication.SearchPolicy.INDEX,
    )
    html = client.get(article.get_absolute_url()).content.decode()
    own = SITE + article.get_absolute_url()
    assert f'<link rel="canonical" href="{own}">' in html
    assert _json_ld(html)["isBasedOn"] == source

    record.search_policy = Republication.SearchPolicy.CANONICAL
    record.save()
    article = edit(article)
    assert article.canonical_url() == source
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{source}">' in html
    ld = _json_ld(html)
    assert ld["mainEntityOfPage"]["@id"] == source and ld["isBasedOn"] == source


def test_our_own_work_is_its_own_canonical():
    article = make_article()
    assert article.canonical_url() == SITE + article.get_absolute_url()


def test_json_ld_cannot_break_out_of_its_script(client):
    article = make_article(
        headline="</script><script>alert(1)</script>", standfirst="A & B <!-- c -->"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    ld = _json_ld(html)
    assert ld["headline"] == "</script><script>alert(1)</script>"
    assert ld["description"] == "A & B <!-- c -->"


def test_home_carries_website_data(client):
    make_article()
    html = client.get("/").content.decode()
    assert f'<link rel="canonical" href="{SITE}/">' in html
    ld = _json_ld(html)
    assert ld["@type"] == "WebSite" and ld["url"] == SITE + "/"
    assert ld["potentialAction"]["target"] == SITE + "/search/?q={search_term_string}"
    assert _meta(html, "property", "og:type") == ["website"]


def test_list_pages_carry_collection_page_data(client):
    section = make_section(name="Courts", slug="courts", description="Court reporting.")
    tag = make_tag(name="Appeals", slug="appeals")
    articles = [make_article(section=section, tags=[tag]) for _ in range(3)]
    for url, name in (("/section/courts/", "Courts"), ("/tag/appeals/", "Stories about Appeals")):
        html = client.get(url).content.decode()
        assert f'<link rel="canonical" href="{SITE}{url}">' in html
        ld = _json_ld(html)
        assert ld["@type"] == "CollectionPage" and ld["name"] == name and ld["url"] == SITE + url
        listed = [item["url"] for item in ld["mainEntity"]["itemListElement"]]
        assert listed == [SITE + a.get_absolute_url() for a in reversed(articles)]
    html = client.get("/section/courts/").content.decode()
    assert _meta(html, "name", "description") == ["Court reporting."]


def test_page_two_has_its_own_canonical(client):
    section = make_section(slug="busy")
    for _ in range(21):
        make_article(section=section)
    html = client.get("/section/busy/?page=2").content.decode()
    assert f'<link rel="canonical" href="{SITE}/section/busy/?page=2">' in html


def test_without_a_byline_the_author_is_the_publisher_whose_work_it_is(client):
    republished = make_article()
    Republication.objects.create(
        article=republished,
        publisher="Partner News",
        original_url="https://partner.example.org/a/b/",
    )
    ld = _json_ld(client.get(edit(republished).get_absolute_url()).content.decode())
    assert ld["author"] == [
        {"@type": "Organization", "name": "Partner News", "url": "https://partner.example.org/"}
    ]
    own = make_article()
    ld = _json_ld(client.get(own.get_absolute_url()).content.decode())
    assert ld["author"] == [{"@type": "Organization", "name": "Standfirst", "url": SITE + "/"}]


def test_a_fresh_site_names_its_corrections_policy_and_publishing_principles(client):
    make_article()
    publisher = _json_ld(client.get("/").content.decode())["publisher"]
    assert publisher["correctionsPolicy"] == SITE + "/about/corrections-policy/"
    assert publisher["publishingPrinciples"] == SITE + "/about/publishing-principles/"
    for url in (publisher["correctionsPolicy"], publisher["publishingPrinciples"]):
        assert client.get(url.removeprefix(SITE)).status_code == 200
