"""Article.objects.published() is the one rule of what the public may see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def states():
    now = timezone.now()
    return {
        "published": make_article(headline="Zebra published"),
        "draft": make_article(headline="Yak draft", status=Article.Status.DRAFT, published_at=None),
        "scheduled": make_article(
            headline="Xerus scheduled", published_at=now + timedelta(hours=1)
        ),
        "expired": make_article(headline="Walrus expired", expires_at=now - timedelta(minutes=1)),
        "expiring": make_article(headline="Vole expiring", expires_at=now + timedelta(hours=1)),
    }


def test_published_hides_draft_scheduled_and_expired(states):
    visible = set(Article.objects.published())
    assert visible == {states["published"], states["expiring"]}


def test_is_published_agrees_with_the_queryset(states):
    visible = set(Article.objects.published())
    for article in Article.objects.all():
        assert article.is_published() == (article in visible), article.headline


def test_scheduled_article_appears_at_its_time(states):
    scheduled = states["scheduled"]
    before = scheduled.published_at - timedelta(seconds=1)
    after = scheduled.published_at + timedelta(seconds=1)
    assert scheduled not in Article.objects.published(at=before)
    assert scheduled in Article.objects.published(at=after)
    assert not scheduled.is_published(at=before) and scheduled.is_published(at=after)


def test_public_pages_show_only_the_published(client, states):
    home = client.get("/").content.decode()
    assert "Zebra published" in home and "Vole expiring" in home
    for name in ("draft", "scheduled", "expired"):
        assert states[name].headline not in home
    assert client.get(states["published"].get_absolute_url()).status_code == 200
    for name in ("scheduled", "expired"):
        assert client.get(states[name].get_absolute_url()).status_code == 404


def test_staff_preview_of_a_scheduled_article(client, states):
    from tests.factories import make_staff

    client.force_login(make_staff())
    response = client.get(states["scheduled"].get_absolute_url())
    assert response.status_code == 200
    assert b"Preview: not public" in response.content
    assert b'<meta name="robots" content="noindex, nofollow">' in response.content
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_staff_without_change_permission_gets_404(client, states):
    from tests.factories import make_staff

    client.force_login(make_staff("viewer", superuser=False))
    assert client.get(states["scheduled"].get_absolute_url()).status_code == 404


def test_slug_unique_per_publication_date_in_the_database(states):
    from django.db import IntegrityError, transaction

    published = states["published"]
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug=published.slug, published_at=published.published_at)
    # The same slug on another day is a different URL, and allowed.
    make_article(slug=published.slug, published_at=published.published_at - timedelta(days=2))
