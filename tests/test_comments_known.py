"""Known commenters: the status that skips first-time moderation is proven by a mailed
link opened in the commenter's browser, never claimed by typing an address."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from articles.commenters import COOKIE
from articles.models import Comment, SiteSettings
from tests.commenting import confirm_address, post_comment
from tests.factories import make_article, make_comment
from tests.worker import run_worker

pytestmark = pytest.mark.django_db
REGULAR = "regular@example.net"


@pytest.fixture
def article():
    settings = SiteSettings.load()
    settings.comment_moderation = SiteSettings.Moderation.FIRST
    settings.save()
    return make_article(headline="Library hours cut")


def status_of(body):
    return Comment.objects.get(body=body).status


def test_typing_a_regular_commenters_address_is_not_enough(article):
    make_comment(article, email=REGULAR, name="Regular")
    response = post_comment(Client(), article, email=REGULAR, name="Impostor", body="Fake one.")
    assert response["Location"].endswith("?comment=pending#comments")
    assert status_of("Fake one.") == Comment.Status.PENDING


def test_approval_mails_a_link_that_makes_this_browser_known(article, admin_client):
    reader = Client()
    post_comment(reader, article, email=REGULAR, body="My first comment.")
    first = Comment.objects.get(body="My first comment.")
    assert first.status == Comment.Status.PENDING and not first.proven
    mail.outbox.clear()

    admin_client.post(
        reverse("admin:articles_comment_changelist") + "?status=all",
        {"action": "approve", "_selected_action": [first.pk], "index": 0},
    )
    run_worker()
    [message] = [m for m in mail.outbox if m.to == [REGULAR]]
    link = re.search(r"https?://\S+/comments/confirm/\S+/", message.body).group()
    assert REGULAR not in link  # the link carries a keyed hash, not the address

    opened = reader.get(urlsplit(link).path)
    assert opened.status_code == 200
    assert "Your address is confirmed" in opened.content.decode()
    cookie = opened.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert REGULAR not in cookie.value
    assert "private" in opened["Cache-Control"] or "no-cache" in opened["Cache-Control"]

    post_comment(reader, article, email=REGULAR, body="Published at once.")
    assert status_of("Published at once.") == Comment.Status.APPROVED
    assert Comment.objects.get(body="Published at once.").proven
    # The proof is for that address on that browser only.
    post_comment(reader, article, email="someone@example.net", body="Other address.")
    assert status_of("Other address.") == Comment.Status.PENDING
    post_comment(Client(), article, email=REGULAR, body="Other browser.")
    assert status_of("Other browser.") == Comment.Status.PENDING


def test_a_forged_or_expired_link_or_cookie_proves_nothing(article, settings):
    make_comment(article, email=REGULAR)
    forged = Client().get("/comments/confirm/not-a-token/")
    assert forged.status_code == 400 and COOKIE not in forged.cookies
    assert "This link is not valid" in forged.content.decode()

    reader = Client()
    reader.cookies[COOKIE] = signing.dumps("0" * 64)  # not signed with the cookie's salt
    post_comment(reader, article, email=REGULAR, body="Forged cookie.")
    assert status_of("Forged cookie.") == Comment.Status.PENDING


def test_sensitive_articles_hold_even_known_commenters(article):
    make_comment(article, email=REGULAR)
    reader = Client()
    confirm_address(reader, REGULAR)
    sensitive = make_article(headline="Inquest opens", sensitive=True)
    post_comment(reader, sensitive, email=REGULAR, body="On a sensitive story.")
    assert status_of("On a sensitive story.") == Comment.Status.PENDING


def test_public_pages_stay_cacheable_for_a_known_commenter(article):
    reader = Client()
    confirm_address(reader, REGULAR)
    page = reader.get(article.get_absolute_url())
    assert page.status_code == 200 and not page.cookies
    assert page["Cache-Control"].startswith("public")
    assert "Cookie" not in page.get("Vary", "")
