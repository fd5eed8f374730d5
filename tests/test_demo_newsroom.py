"""manage.py demo_newsroom (make run): every reader feature on show, written through the
actions, and idempotent."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article, Author, Comment, Correction, Helpline, PolicyPage, Section

pytestmark = pytest.mark.django_db


def test_the_demo_newsroom_shows_every_feature_once(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_newsroom", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Article, Section, Author, Helpline, PolicyPage)]
    call_command("demo_newsroom", stdout=io.StringIO())
    assert [m.objects.count() for m in (Article, Section, Author, Helpline, PolicyPage)] == counts
    assert counts[0] == 14 and counts[1] >= 4 and counts[2] == 3 and counts[3] == 2
    assert all(a.photo and a.bio for a in Author.objects.all())
    assert Article.objects.published().filter(sensitive=True).count() == 1
    assert Article.objects.exclude(hero_image="").count() >= 4
    assert Correction.objects.count() == 1
    open_article = Article.objects.get(comments_closed=False)
    assert open_article.comments_open
    assert open_article.comments.filter(status=Comment.Status.APPROVED).count() == 3
    assert all("Demo content" in a.body for a in Article.objects.all())
    for article in Article.objects.all():
        assert client.get(article.get_absolute_url()).status_code == 200
    html = client.get("/author/nadia-brightwater/").content.decode()
    assert '<img class="author-photo"' in html
