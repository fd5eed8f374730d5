"""Article.comments_open is the one rule; the article page and the POST handler both obey it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Comment, SiteSettings
from tests.commenting import post_comment
from tests.factories import edit, make_article, make_comment, make_staff

pytestmark = pytest.mark.django_db


def site(**fields):
    settings = SiteSettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def test_open_for_a_fresh_published_article():
    assert make_article().comments_open


def test_closed_by_the_flag():
    assert not make_article(comments_closed=True).comments_open


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"published_at": timezone.now() + timedelta(hours=1)},  # scheduled
        {"expires_at": timezone.now() - timedelta(minutes=1)},  # expired
    ],
    ids=["draft", "scheduled", "expired"],
)
def test_closed_when_not_published(fields):
    assert not make_article(**fields).comments_open


def test_closed_when_the_site_switches_comments_off():
    article = make_article()
    site(comments_enabled=False)
    assert not article.comments_open


def test_auto_close_age():
    site(comments_auto_close_days=30)
    assert make_article(published_at=timezone.now() - timedelta(days=29)).comments_open
    assert not make_article(published_at=timezone.now() - timedelta(days=31)).comments_open
    site(comments_auto_close_days=None)  # empty: never closes by age
    assert make_article(published_at=timezone.now() - timedelta(days=3650)).comments_open


CLOSED_PUBLIC_CASES = {
    "flag": lambda: make_article(comments_closed=True),
    "site off": lambda: (site(comments_enabled=False), make_article())[1],
    "auto-closed": lambda: (
        site(comments_auto_close_days=7),
        make_article(published_at=timezone.now() - timedelta(days=8)),
    )[1],
}


@pytest.mark.parametrize("case", CLOSED_PUBLIC_CASES)
def test_closed_article_shows_no_form_and_refuses_a_post(client, case):
    article = CLOSED_PUBLIC_CASES[case]()
    assert not article.comments_open
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed." in html
    # No comment form (the report form, which shares its styles, stays).
    assert 'comment/"' not in html and 'id="comment-form"' not in html

    response = post_comment(client, article, body="Let me in")
    assert response.status_code == 403
    assert "Comments are closed on this article." in response.content.decode()
    assert not Comment.objects.exists()


def test_post_to_a_closed_article_leaves_the_comment_table_unchanged(client):
    article = make_article()
    existing = [make_comment(article), make_comment(article, status=Comment.Status.PENDING)]
    before = list(Comment.objects.order_by("pk").values())
    edit(article, comments_closed=True)
    response = post_comment(client, article, body="Too late")
    assert response.status_code == 403
    assert list(Comment.objects.order_by("pk").values()) == before
    # A reply to a closed article is refused the same way.
    response = post_comment(client, article, body="A late reply", parent=existing[0].pk)
    assert response.status_code == 403
    assert list(Comment.objects.order_by("pk").values()) == before


def test_open_article_shows_the_form_and_accepts_a_post(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-form"' in html and "Comments are closed." not in html
    assert f'action="{article.get_absolute_url()}comment/"' in html
    response = post_comment(client, article)
    assert response.status_code == 303
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_article_takes_no_comment(client, state):
    """Not published: comments_open is False, staff preview shows no form, a POST finds nothing."""
    fields = {
        # A draft with a date, so its preview has an address.
        "draft": {"status": Article.Status.DRAFT},
        "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
    }[state]
    article = make_article(**fields)
    assert not article.comments_open
    client.force_login(make_staff())
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed." in html and 'id="comment-form"' not in html
    client.logout()
    assert post_comment(client, article).status_code == 404
    assert not Comment.objects.exists()


def test_the_page_and_the_post_agree_when_the_rule_changes(client):
    """Open, then closed by each switch in turn: the page and the POST follow the rule at once."""
    article = make_article()
    for close, reopen in [
        (lambda: edit(article, comments_closed=True),
         lambda: edit(article, comments_closed=False)),
        (lambda: site(comments_enabled=False), lambda: site(comments_enabled=True)),
    ]:  # fmt: skip
        for closed in (False, True):
            if closed:
                close()
            article.refresh_from_db()
            html = client.get(article.get_absolute_url()).content.decode()
            has_form = 'id="comment-form"' in html
            status = post_comment(client, article, email=f"x{Comment.objects.count()}@e.net")
            assert has_form == article.comments_open == (not closed)
            assert (status.status_code == 303) == article.comments_open
        reopen()
