"""The seed article as a reader sees it."""

import io
import re

import pytest

from articles.models import Article
from tests.factories import import_published, make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(seed_path):
    import_published(str(seed_path), "--publish", stdout=io.StringIO())
    return Article.objects.get()


def test_seed_page_shows_every_part(client, seed):
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<h1>High workloads meant opportunities to help Hamzah Khan were missed</h1>" in html
    assert "The serious case review into the death of Hamzah Khan has found" in html
    assert "Nancy Palmer, the independent chair of the serious case review" in html
    assert "meant none of the various organisations" in html
    assert "Peter Wanless, chief executive of the child protection charity the NSPCC" in html
    assert "More than anything this case highlights" in html
    assert "Community Care is running a survey" in html
    assert "This article was first published by Community Care" in html
    assert "Comments are closed." in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', html)


def test_home_links_to_the_seed(client, seed):
    html = client.get("/").content.decode()
    assert f'href="{seed.get_absolute_url()}"' in html


def test_page_shows_bylines_tags_section_and_related(client):
    section = make_section(name="Children")
    tags = [make_tag(name=f"Topic {i}") for i in range(3)]
    authors = [make_author(name="Ann Writer"), make_author(name="Bo Reporter")]
    other = make_article(headline="An earlier report")
    article = make_article(kicker="Review", section=section, tags=tags, authors=authors)
    article.related_links.create(target=other)
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r"By <a[^>]+>Ann Writer</a>.{0,60} and <a[^>]+>Bo Reporter</a>", html)
    assert "Topic 0" in html and "Topic 2" in html
    assert ">Children<" in html and ">Review<" in html
    assert "More from Standfirst" in html and "An earlier report" in html


def test_unknown_article_is_404(client):
    assert client.get("/2024/02/31/nothing/").status_code == 404
    assert client.get("/2024/01/01/nothing/").status_code == 404


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
