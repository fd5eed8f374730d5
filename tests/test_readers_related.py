"""The related block: editor picks in order, then most shared tags, then same section."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.related import related_articles
from tests.factories import make_article, make_section, make_tag

pytestmark = pytest.mark.django_db


def _related(article, count=None):
    # The view's prefetches, so the rule is tested as the page uses it.
    from articles.views.public import listed

    fresh = (
        listed(Article.objects.all()).prefetch_related("related_links__target").get(pk=article.pk)
    )
    return [a.headline for a in related_articles(fresh, count)]


@pytest.fixture
def world():
    now = timezone.now()
    home, away = make_section(slug="home"), make_section(slug="away")
    a, b, c = make_tag(slug="a"), make_tag(slug="b"), make_tag(slug="c")

    def article(headline, days, section=away, tags=(), **extra):
        return make_article(
            headline=headline,
            section=section,
            tags=tags,
            published_at=now - timedelta(days=days),
            **extra,
        )

    subject = article("Subject", 0, home, [a, b, c])
    return {
        "subject": subject,
        "pick 2": article("Pick second", 9),
        "pick 1": article("Pick first", 8),
        "three tags old": article("Three tags, old", 7, tags=[a, b, c]),
        "two tags new": article("Two tags, new", 1, tags=[a, b]),
        "two tags old": article("Two tags, old", 5, tags=[b, c]),
        "one tag in section": article("One tag, same section", 2, home, [c]),
        "one tag": article("One tag", 1, tags=[a]),
        "section new": article("Section only, new", 1, home),
        "section old": article("Section only, old", 6, home),
        "unrelated": article("Unrelated", 1),
        "draft": article("Draft sharing all tags", 1, home, [a, b, c], status="draft"),
        "scheduled": article("Scheduled", -1, home, [a, b, c]),
    }


def test_picks_first_in_their_order_then_tags_then_section(world, settings):
    subject = world["subject"]
    subject.related_links.create(target=world["pick 1"], position=0)
    subject.related_links.create(target=world["pick 2"], position=1)
    # A pick that is also a strong fallback candidate appears once only.
    subject.related_links.create(target=world["two tags new"], position=2)
    assert _related(subject, 10) == [
        "Pick first",
        "Pick second",
        "Two tags, new",
        "Three tags, old",
        "Two tags, old",
        "One tag, same section",
        "One tag",
        "Section only, new",
        "Section only, old",
    ]


def test_count_comes_from_settings(world, settings):
    settings.STANDFIRST_RELATED_COUNT = 2
    assert _related(world["subject"]) == ["Three tags, old", "Two tags, new"]
    settings.STANDFIRST_RELATED_COUNT = 4
    assert len(_related(world["subject"])) == 4


def test_more_picks_than_the_count_are_cut(world):
    subject = world["subject"]
    for position, key in enumerate(["section old", "pick 1", "pick 2"]):
        subject.related_links.create(target=world[key], position=position)
    assert _related(subject, 2) == ["Section only, old", "Pick first"]


def test_unpublished_picks_and_candidates_never_appear(world):
    subject = world["subject"]
    subject.related_links.create(target=world["draft"], position=0)
    subject.related_links.create(target=world["scheduled"], position=1)
    titles = _related(subject, 20)
    assert "Draft sharing all tags" not in titles and "Scheduled" not in titles
    assert "Subject" not in titles and "Unrelated" not in titles
    assert len(titles) == len(set(titles))


def test_without_tags_or_section_nothing_is_guessed():
    lonely = make_article(headline="Lonely")
    make_article(headline="Stranger")
    assert _related(lonely) == []


def test_the_page_shows_the_block(client, world):
    html = client.get(world["subject"].get_absolute_url()).content.decode()
    block = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    assert ">More from Standfirst<" in block
    assert (
        block.index("Three tags, old") < block.index("Two tags, new") < block.index("Two tags, old")
    )
    assert block.count("<li>") == 4


def test_drafts_do_not_crowd_published_candidates_out(world, monkeypatch):
    """The candidate pools are bounded (CANDIDATES each); a newsroom's pile of newer drafts
    in the same section and tags must not fill them and leave the block empty."""
    import articles.related

    monkeypatch.setattr(articles.related, "CANDIDATES", 2)
    subject = world["subject"]
    for n in range(3):
        make_article(
            headline=f"Newer draft {n}",
            section=subject.section,
            tags=list(subject.tags.all()),
            status="draft",
            published_at=None,
        )
    related = _related(subject, 3)
    assert len(related) == 3 and not any("draft" in headline.lower() for headline in related)
