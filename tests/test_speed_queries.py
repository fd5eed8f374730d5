"""Uncached pages cost a fixed number of queries, whatever an article carries; pages stay lean."""

import re

import pytest
from django.conf import settings

from articles import pagination
from articles.models import Callout, SiteSettings
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uncached(settings):
    """Page cache off, and with it the cached layout context: the full cost of a page."""
    settings.STANDFIRST_PAGE_CACHE = False
    SiteSettings.load()


def rich_article(section, n_links):
    tags = [make_tag() for _ in range(n_links)]
    authors = [make_author() for _ in range(n_links)]
    article = make_article(section=section, tags=tags, authors=authors)
    for i in range(n_links):
        article.callouts.add(Callout.objects.create(text=f"Promo {i}"))
        article.related_links.create(target=make_article(), position=i)
    return article, tags[0], authors[0]


@pytest.mark.parametrize("n_links", [1, 5])
def test_query_budgets_do_not_grow_with_what_an_article_carries(
    client, n_links, django_assert_num_queries
):
    section = make_section()
    article, tag, author = rich_article(section, n_links)
    # Measured warm: the layout's site settings, sections and policy links come from the
    # cache (articles.cache.derived_timeout), so each count is the page's own queries.
    budgets = {
        # article, tags, bylines+authors, callouts, corrections, related picks, approved
        # comments, and the related fallback while the picks are fewer than the block holds
        article.get_absolute_url(): 7 + (n_links < settings.STANDFIRST_RELATED_COUNT),
        # featured, latest (no count), per-section lists, tags, bylines
        "/": 5,
        # the section, tag or author itself, a page of articles, their tags, their bylines
        section.get_absolute_url(): 4,
        tag.get_absolute_url(): 4,
        author.get_absolute_url(): 4,
    }
    for url in budgets:
        client.get(url)
    for url, budget in budgets.items():
        with django_assert_num_queries(budget):
            assert client.get(url).status_code == 200


def test_lists_page_without_counting(client, monkeypatch, django_assert_num_queries):
    section = make_section()
    for n in range(21):  # one more than a page holds
        make_article(headline=f"Story number {n:02d}", section=section)
    url = section.get_absolute_url()
    first = client.get(url).content.decode()
    assert "Story number 20" in first and "Story number 00" not in first
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first
    second = client.get(f"{url}?page=2").content.decode()
    assert "Story number 00" in second and 'rel="prev" href="?page=1"' in second
    assert 'rel="next"' not in second
    for bad in ("3", "0", "-1", "x", "99999999999999999999"):
        assert client.get(f"{url}?page={bad}").status_code == 404
    monkeypatch.setattr(pagination, "MAX_PAGES", 1)
    assert client.get(f"{url}?page=2").status_code == 404
    assert 'rel="next"' not in client.get(url).content.decode()


def test_article_page_is_lean(client):
    body = "\n\n".join(
        "A paragraph of realistic length about social care and the people in it. " * 8
        for _ in range(14)
    )
    article = make_article(body=body + "\n\n![A chart of caseloads](/media/chart.png)")
    html = client.get(article.get_absolute_url()).content.decode()
    assert len(html.encode()) < 40_000
    # No script runs: the only <script> is the JSON-LD data block.
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/ld+json">']
    images = re.findall(r"<img [^>]*>", html)
    assert images and all('loading="lazy"' in image for image in images)
