"""generate_demo builds a realistic site, reproducibly, and refuses what it cannot do."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Author, Byline, Callout, Comment, Section, Tag

pytestmark = pytest.mark.django_db


def generate(**options):
    err = io.StringIO()
    call_command("generate_demo", stdout=io.StringIO(), stderr=err, **options)
    return err


def snapshot():
    return list(Article.objects.order_by("id").values_list("headline", "section__name", "status"))


def test_generates_a_browsable_site_reproducibly(client, capsys):
    generate(articles=120, seed=7, batch_size=50)
    assert "articles" in capsys.readouterr().err  # the progress bar
    assert Article.objects.count() == 120
    assert Section.objects.count() == 8 and Tag.objects.count() > 40
    assert Byline.objects.count() >= 120
    article = Article.objects.published().first()
    assert article.body_html.count("<p>") >= 9 and "<blockquote>" in article.body_html
    assert len(article.body.split()) > 400
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and article.headline.encode() in response.content
    assert client.get("/").status_code == 200
    first = snapshot()
    Article.objects.all().delete()
    for model in (Tag, Section, Author, Callout):
        model.objects.all().delete()
    generate(articles=120, seed=7, batch_size=50)
    assert snapshot() == first


def test_refuses_a_site_that_has_articles():
    generate(articles=3)
    with pytest.raises(CommandError, match="empty site"):
        generate(articles=3)


def test_makes_comments_spread_over_the_articles():
    generate(articles=5, comments=40, seed=3)
    assert Comment.objects.count() == 40
    assert Comment.objects.values("article").distinct().count() > 1
    statuses = set(Comment.objects.values_list("status", flat=True))
    assert Comment.Status.APPROVED in statuses


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics: PostgreSQL")
def test_the_bulk_load_leaves_fresh_planner_statistics():
    generate(articles=30, comments=60)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
            " AND relname IN ('articles_article', 'articles_comment', 'articles_article_tags')"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "articles_article", "articles_comment", "articles_article_tags",
        }  # fmt: skip
