"""A small newsroom for the reader-side tests: enough tags, authors and related articles
in play to expose an N+1 on any page."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import make_article, make_author, make_section, make_tag


def newsroom(extra_articles=0):
    """A featured lead with 5 tags, 3 authors and 6 related picks, plus `extra_articles`."""
    now = timezone.now()
    section = make_section(name="Social care", slug="social-care")
    other_section = make_section(name="Courts", slug="courts")
    tags = [make_tag(name=f"Topic {i}", slug=f"topic-{i}") for i in range(5)]
    authors = [make_author(name=name, slug=name.lower().replace(" ", "-")) for name in
               ("Ann Writer", "Bo Reporter", "Cy Editor")]  # fmt: skip
    related = [
        make_article(
            headline=f"Related piece {i}",
            section=section if i % 2 else other_section,
            tags=tags[:3],
            authors=authors,
            published_at=now - timedelta(days=i + 1),
        )
        for i in range(6)
    ]
    lead = make_article(
        headline="Lead story",
        section=section,
        tags=tags,
        authors=authors,
        featured=True,
        published_at=now - timedelta(minutes=30),
        body="The lead story body mentions a zygomorphic detail.\n\n" + "Word " * 500,
    )
    for position, target in enumerate(related):
        lead.related_links.create(target=target, position=position)
    for i in range(extra_articles):
        make_article(
            headline=f"Extra {i}",
            section=section if i % 2 else other_section,
            tags=tags,
            authors=authors,
            published_at=now - timedelta(days=10, minutes=i),
        )
    return {
        "lead": lead,
        "related": related,
        "section": section,
        "other_section": other_section,
        "tags": tags,
        "authors": authors,
    }
