"""The comment POST has no CSRF token: require_same_origin refuses cross-site requests."""

import pytest
from django.test import override_settings

from articles.models import Comment
from tests.commenting import post_comment
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ARTICLE_URL_PREFIX = "http://testserver/"


@pytest.fixture
def article():
    return make_article()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": None},  # older browsers
        {"Origin": None, "Sec-Fetch-Site": None, "Referer": ARTICLE_URL_PREFIX + "2026/x/"},
    ],
    ids=["origin and fetch metadata", "origin only", "referer fallback"],
)
def test_same_origin_is_accepted(client, article, headers):
    assert post_comment(client, article, headers=headers).status_code == 303
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "https://testserver"},  # another scheme is another origin
        {"Origin": "null"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-site"},
        {"Origin": None, "Sec-Fetch-Site": None, "Referer": "https://evil.example/page"},
        {"Origin": None, "Sec-Fetch-Site": None},
    ],
    ids=[
        "other origin",
        "look-alike host",
        "other scheme",
        "opaque origin",
        "cross-site fetch",
        "same-site fetch",
        "cross-origin referer",
        "no origin or referer",
    ],
)
def test_cross_origin_is_refused_with_a_clear_403(client, article, headers):
    response = post_comment(client, article, headers=headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form was not sent from our site" in html and "Nothing was saved." in html
    assert not Comment.objects.exists()


@override_settings(CSRF_TRUSTED_ORIGINS=["https://www.news.example"])
def test_a_trusted_origin_is_accepted(client, article):
    headers = {"Origin": "https://www.news.example"}
    assert post_comment(client, article, headers=headers).status_code == 303


def test_the_comment_form_needs_no_cookie_and_sets_none(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies
    # A browser without any cookie posts successfully; the answer sets none either.
    posted = post_comment(client, article)
    assert posted.status_code == 303 and not posted.cookies
    assert not client.cookies
