"""Publishing states: one rule, shown in words in the admin, and scheduling with no cron."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import edit, make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def states():
    now = timezone.now()
    return {
        Article.State.PUBLISHED: make_article(headline="Zebra live"),
        Article.State.DRAFT: make_article(
            headline="Yak unwritten", status=Article.Status.DRAFT, published_at=None
        ),
        Article.State.SCHEDULED: make_article(
            headline="Xerus pending", published_at=now + timedelta(hours=1)
        ),
        Article.State.EXPIRED: make_article(
            headline="Walrus gone", expires_at=now - timedelta(minutes=1)
        ),
    }


def test_each_state_and_the_queryset_agree(states):
    for state, article in states.items():
        assert article.publishing_state() == state
        assert list(Article.objects.in_state(state)) == [article]
    published = set(Article.objects.published())
    for article in Article.objects.all():
        is_public = article.publishing_state() == Article.State.PUBLISHED
        assert is_public == (article in published) == article.is_published()


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_state_and_queryset_agree_around_scheduled_and_expiry_times(states, offset):
    scheduled, expired = states[Article.State.SCHEDULED], states[Article.State.EXPIRED]
    expired = edit(expired, expires_at=timezone.now() + timedelta(hours=2))
    cases = [
        (scheduled, scheduled.published_at, Article.State.SCHEDULED, Article.State.PUBLISHED),
        (expired, expired.expires_at, Article.State.PUBLISHED, Article.State.EXPIRED),
    ]
    for article, moment, before, after in cases:
        at = moment + timedelta(seconds=offset)
        expected = before if offset < 0 else after
        assert article.publishing_state(at) == expected
        assert Article.objects.in_state(expected, at=at).filter(pk=article.pk).exists()
        public = article in Article.objects.published(at=at)
        assert public == (expected == Article.State.PUBLISHED) == article.is_published(at)


def test_admin_list_shows_state_in_words_and_filters_by_it(admin_client, states):
    changelist = reverse("admin:articles_article_changelist")
    html = admin_client.get(changelist).content.decode()
    for label in ("Draft", "Scheduled", "Published", "Expired"):
        assert f'<td class="field-state">{label}</td>' in html
    for state, article in states.items():
        html = admin_client.get(changelist, {"state": state.value}).content.decode()
        assert article.headline in html
        others = [a.headline for s, a in states.items() if s != state]
        assert not any(headline in html for headline in others), state


def test_embargo_note_warns_on_the_change_page(admin_client):
    article = make_article(embargo_note="Not before 00:01 Tuesday <b>legal</b>")
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = html.content.decode()
    assert 'class="embargo-warning" role="alert"' in html
    assert "Not before 00:01 Tuesday &lt;b&gt;legal&lt;/b&gt;" in html


def public_surfaces(article, marker):
    """Every public page that should list the article once it is public."""
    return [
        "/",
        article.section.get_absolute_url(),
        article.tags.get().get_absolute_url(),
        article.authors.get().get_absolute_url(),
        f"/search/?q={marker}",
        "/feed/",
        "/feed/atom/",
        f"{article.section.get_absolute_url()}feed/",
        f"{article.tags.get().get_absolute_url()}feed/atom/",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
        f"/{article.pub_date:%Y/%m/%d}/",
    ]


def shows(client, url, article):
    response = client.get(url)
    content = response.content.decode()
    return response.status_code == 200 and (
        article.headline in content or article.get_absolute_url() in content
    )


def test_scheduled_article_appears_by_itself_on_every_public_surface(client):
    """Real time, real views and whatever caching the settings enable: invisible one second
    before its time, visible one second after, with no job run in between."""
    marker = "Quokkascheduled"
    make_article(headline="Already out", section=make_section(), tags=[make_tag()])
    publish_at = timezone.now() + timedelta(seconds=3)
    article = make_article(
        headline=f"{marker} report",
        published_at=publish_at,
        section=make_section(),
        tags=[make_tag()],
        authors=[make_author()],
    )
    surfaces = public_surfaces(article, marker)
    assert len(surfaces) >= 4

    # Every page is requested (and may be cached) before the article's time.
    assert client.get(article.get_absolute_url()).status_code == 404
    for url in surfaces:
        assert not shows(client, url, article), url
    assert timezone.now() <= publish_at - timedelta(seconds=1), "the checks ran too late"

    time.sleep(max(0.0, (publish_at + timedelta(seconds=1) - timezone.now()).total_seconds()))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "Preview: not public" not in response.text
    for url in surfaces:
        assert shows(client, url, article), url
    assert not client.cookies
