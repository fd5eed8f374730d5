"""RSS and Atom feeds, as a feed reader parses them (feedparser)."""

import feedparser
import pytest

from tests.factories import edit
from tests.readers_data import newsroom

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture
def news(settings):
    settings.SITE_URL = SITE
    data = newsroom()
    lead = data["lead"]
    body = "Full text with a [relative link](/about/) and **bold** words.\n\nSecond paragraph."
    data["lead"] = edit(lead, body=body)
    return data


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return response, parsed


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_site_feeds_parse_with_full_content(client, news, url):
    response, parsed = _parse(client, url)
    assert parsed.version == ("rss20" if url == "/feed/" else "atom10")
    assert parsed.feed.title == "Standfirst"
    assert parsed.feed.link == SITE + "/"
    assert len(parsed.entries) == 7
    entry = parsed.entries[0]
    lead = news["lead"]
    assert entry.title == "Lead story"
    assert entry.link == SITE + lead.get_absolute_url()
    assert entry.id == SITE + lead.get_absolute_url()
    content = entry.content[0].value
    assert "<strong>bold</strong>" in content and "Second paragraph." in content
    assert f'href="{SITE}/about/"' in content
    names = [author.name for author in entry.authors]
    assert names == (
        ["Ann Writer, Bo Reporter, Cy Editor"]
        if url == "/feed/"
        else ["Ann Writer", "Bo Reporter", "Cy Editor"]
    )
    terms = {tag.term for tag in entry.tags}
    assert terms == {"Social care", "Topic 0", "Topic 1", "Topic 2", "Topic 3", "Topic 4"}
    assert entry.published_parsed is not None
    if url == "/feed/atom/":
        assert entry.updated_parsed is not None
    for other in parsed.entries:
        assert other.link.startswith(SITE + "/")


def test_section_and_tag_feeds(client, news):
    for url in ("/section/social-care/feed/", "/section/social-care/feed/atom/"):
        _, parsed = _parse(client, url)
        titles = {entry.title for entry in parsed.entries}
        assert titles == {"Lead story", "Related piece 1", "Related piece 3", "Related piece 5"}
        assert parsed.feed.title.startswith("Social care")
    for url in ("/tag/topic-4/feed/", "/tag/topic-4/feed/atom/"):
        _, parsed = _parse(client, url)
        assert [entry.title for entry in parsed.entries] == ["Lead story"]


def test_unknown_section_or_tag_feed_is_404(client, news):
    assert client.get("/section/nope/feed/").status_code == 404
    assert client.get("/tag/nope/feed/atom/").status_code == 404


def test_feed_escapes_hostile_headlines(client, news):
    lead = news["lead"]
    edit(
        lead,
        headline="Tom & Jerry <script>alert(1)</script> ]]>",
        body="<script>alert(2)</script><img src=x onerror=alert(3)> ok",
    )
    for url in ("/feed/", "/feed/atom/"):
        response, parsed = _parse(client, url)
        entry = parsed.entries[0]
        assert entry.title == "Tom & Jerry <script>alert(1)</script> ]]>"
        assert "<script" not in entry.content[0].value
        assert "onerror" not in entry.content[0].value


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/section/social-care/feed/"])
def test_entry_content_carries_the_articles_corrections_escaped(client, news, url):
    """Issue #6: a correction reaches feed readers in the article's own entry, after the body."""
    from articles.models import Correction

    lead = news["lead"]
    Correction.objects.create(
        article=lead, kind=Correction.Kind.CORRECTION, text="We misspelt <b>Hamzah</b> & more."
    )
    Correction.objects.create(article=lead, kind=Correction.Kind.UPDATE, text="Council replied.")
    _response, parsed = _parse(client, url)
    entry = next(e for e in parsed.entries if e.link == SITE + lead.get_absolute_url())
    content = entry.content[0].value
    assert content.index("Second paragraph.") < content.index("Corrections and updates")
    assert "<strong>Correction</strong>" in content and "<strong>Update</strong>" in content
    assert "We misspelt &lt;b&gt;Hamzah&lt;/b&gt; &amp; more." in content
    assert "<b>Hamzah</b>" not in content
    others = [e for e in parsed.entries if e.link != entry.link]
    assert others and all("Corrections and updates" not in e.content[0].value for e in others)


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_republished_entry_credits_its_original_publisher_first(
    client, news, url, django_assert_max_num_queries
):
    from articles.models import Republication

    Republication.objects.create(
        article=news["lead"], publisher="Partner Weekly", original_url="https://partner.example/a"
    )
    with django_assert_max_num_queries(12):  # one query for every record, not one per entry
        _, parsed = _parse(client, url)
    lead, *others = parsed.entries
    content = lead.content[0].value
    credit = 'first published by <a href="https://partner.example/a">Partner Weekly</a>'
    assert credit in content and content.index(credit) < content.index("Full text with")
    assert all("first published by" not in entry.content[0].value for entry in others)
