"""A commenter's email is never public; the article page costs the same with many comments."""

import pytest

from articles.models import Comment, SiteSettings
from tests.commenting import confirm_address, post_comment
from tests.factories import make_article, make_author, make_comment, make_section, make_tag

pytestmark = pytest.mark.django_db

HIDDEN_EMAIL = "quokka.secret@hidden-mail.example"


def public_urls(article):
    """Every public page the article or its comments can appear on, feeds included if present."""
    urls = [
        "/",
        article.get_absolute_url(),
        article.get_absolute_url() + "?comment=published",
        f"{article.get_absolute_url()}comment/",
        article.section.get_absolute_url(),
        article.tags.get().get_absolute_url(),
        article.authors.get().get_absolute_url(),
    ]
    return urls


# Public surfaces other areas add (feeds, sitemaps, search): checked whenever they exist.
OPTIONAL_URLS = ["/feed/", "/feed/atom/", "/sitemap.xml", "/sitemap-news.xml", "/search/?q=Quokka"]


def test_email_never_appears_in_any_public_response(client):
    article = make_article(section=make_section(), tags=[make_tag()], authors=[make_author()])
    settings = SiteSettings.load()
    settings.comment_moderation = SiteSettings.Moderation.FIRST
    settings.save()
    parent = make_comment(article, email=HIDDEN_EMAIL, name="Quokka")
    confirm_address(client, HIDDEN_EMAIL)
    assert post_comment(client, article, email=HIDDEN_EMAIL, body="Known-good reply.",
                        parent=parent.pk).status_code == 303  # fmt: skip
    assert Comment.objects.filter(status="approved").count() == 2
    for url in public_urls(article) + [f"{article.get_absolute_url()}comment/?reply={parent.pk}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode().lower()
        assert "quokka.secret" not in body and "hidden-mail" not in body, url
    for url in OPTIONAL_URLS:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert b"quokka.secret" not in response.content.lower(), url
    assert "Known-good reply." in client.get(article.get_absolute_url()).content.decode()


def _fill(article, n):
    tops = [make_comment(article) for _ in range(n // 2)]
    for top in tops:
        make_comment(article, parent=top)


@pytest.mark.parametrize("count", [0, 200])
def test_article_page_query_count_does_not_grow_with_comments(
    client, django_assert_num_queries, count
):
    """The same exact budget with none and with 200 approved comments (100 replies).

    The count includes the other parts of the page (tags, bylines, callouts, related,
    corrections); what matters is that it is the same for 0 and 200 comments."""
    SiteSettings.load()
    article = make_article(section=make_section(), tags=[make_tag(), make_tag()],
                           authors=[make_author(), make_author()])  # fmt: skip
    _fill(article, count)
    assert Comment.objects.public().count() == count
    with django_assert_num_queries(10):
        response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert html.count('class="comment"') == count
    assert (f'<span class="comment-count">({count})</span>' in html) == bool(count)


def test_deleting_an_article_deletes_its_comments():
    article = make_article()
    parent = make_comment(article)
    make_comment(article, parent=parent)
    other = make_comment(make_article())
    article.delete()
    assert list(Comment.objects.all()) == [other]
