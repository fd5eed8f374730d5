"""Exact query budgets on every public page, with 5 tags, 3 authors and 6 related articles
in play, and the same count when the page lists more articles.

Each test requests the page once to fill the layout cache (site settings, sections menu),
then counts: a steady-state page view. The first view of a cold cache adds two queries.
"""

import pytest
from django.db import connection

from tests.readers_data import newsroom

pytestmark = pytest.mark.django_db

FULL_TEXT = connection.vendor == "postgresql"

# url -> exact queries
BUDGETS = {
    # featured, latest, per-section lists, tags, bylines (pages are never counted)
    "/": 5,
    # section, page, tags, bylines
    "/section/social-care/": 4,
    "/tag/topic-0/": 4,
    "/author/ann-writer/": 4,
    # article (+ republication record), tags, bylines, callouts, related picks,
    # corrections, related fallback, approved comments
    "lead": 8,
    # page, tags, bylines (never counted)
    "/search/?q=standfirst": 3,
    # articles, tags, bylines, corrections (one prefetch: each entry carries its corrections)
    "/feed/": 4,
    "/feed/atom/": 4,
    # section or tag, articles, tags, bylines, corrections
    "/section/social-care/feed/": 5,
    "/tag/topic-0/feed/": 5,
    # archive: page, tags, bylines
    "archive": 3,
}


def _url(key, data):
    lead = data["lead"]
    if key == "lead":
        return lead.get_absolute_url()
    if key == "archive":
        return f"/{lead.pub_date:%Y}/"
    return key


@pytest.mark.parametrize("key", list(BUDGETS))
@pytest.mark.parametrize("extra", [0, 12])
def test_query_budget(client, django_assert_num_queries, key, extra):
    data = newsroom(extra_articles=extra)
    # Related pieces share the lead's tags, so the related block mixes picks and fallback.
    data["lead"].related_links.filter(position__gte=3).delete()
    url = _url(key, data)
    assert client.get(url).status_code == 200
    with django_assert_num_queries(BUDGETS[key]):
        response = client.get(url)
    assert response.status_code == 200
    if key == "lead":
        assert response.content.decode().count('<li><a href="/20') == 4  # the related block


def test_pages_list_more_when_there_are_more(client):
    """The 12 extra articles really are on the pages the budget above counted."""
    newsroom(extra_articles=12)
    assert client.get("/tag/topic-0/").content.decode().count('class="card"') == 19
    assert client.get("/search/?q=standfirst").content.decode().count('class="card"') == 19
