"""Who republished us: the snippet's counting image over real HTTP (no cookie, host only),
partners' keys, and the admin: keys issued once and revoked, the article's registry."""

import html
import re
import urllib.request

import pytest

from articles.actions import partners as partner_actions
from articles.models import APIKey, Article, Partner, Republishing
from tests.factories import SYSTEM, make_article, make_staff

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def offered(**fields):
    return make_article(republish_licence=Article.RepublishLicence.CC_BY, **fields)


def pixel_path(article):
    return f"/api/v1/republished/{article.pk}.gif"


def fetch(live_server, path, **headers):
    request = urllib.request.Request(live_server.url + path, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our server)
        return response.status, dict(response.headers), response.read()


@pytest.mark.django_db
def test_the_snippet_carries_the_counting_image(client):
    article = offered()
    page = client.get(article.get_absolute_url()).content.decode()
    snippet = html.unescape(
        re.search(r'<textarea id="republish-code"[^>]*>(.*?)</textarea>', page, re.S)[1]
    )
    image = (
        f'<img src="{SITE}{pixel_path(article)}" alt="" width="1" height="1" '
        'referrerpolicy="origin">'
    )
    assert snippet.rstrip().endswith(image)


@pytest.mark.django_db(transaction=True)
def test_the_image_counts_per_article_and_host_without_cookies(live_server):
    article, other = offered(), offered()
    page = "https://partner.example/news/2026/our-story?utm=x"
    for _ in range(2):
        status, headers, body = fetch(
            live_server, pixel_path(article), Referer=page, Cookie="theme=dark; visitor=42"
        )
        assert status == 200
        assert headers["Content-Type"] == "image/gif" and body.startswith(b"GIF89a")
        assert "Set-Cookie" not in headers
        assert headers["Cache-Control"] == "no-store"
    fetch(live_server, pixel_path(article), Referer="https://Another.example/x")
    fetch(live_server, pixel_path(other))  # no Referer: an unknown host

    rows = Republishing.objects.order_by("article_id", "host").values_list(
        "article_id", "channel", "host", "partner_id", "count"
    )
    assert list(rows) == [
        (article.pk, "snippet", "another.example", None, 1),
        (article.pk, "snippet", "partner.example", None, 2),
        (other.pk, "snippet", "", None, 1),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_image_counts_nothing_for_what_is_not_public_and_offered(live_server):
    answers = []
    for article in (
        make_article(status=Article.Status.DRAFT, published_at=None),
        make_article(),  # public, not offered for republication
    ):
        answers.append(fetch(live_server, pixel_path(article), Referer="https://p.example/")[2])
    answers.append(fetch(live_server, "/api/v1/republished/999999.gif")[2])
    assert len(set(answers)) == 1  # the same image: it tells nothing about the article
    assert not Republishing.objects.exists()


# The admin ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partner_is_added_and_its_key_is_shown_once(admin_client, client):
    response = admin_client.post(
        "/admin/articles/partner/add/",
        {
            "name": "Harbour Gazette",
            "contact_email": "desk@harbour.example",
            "active": "on",
            "requests_per_minute": "60",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content
    partner = Partner.objects.get(name="Harbour Gazette")
    url = f"/admin/articles/partner/{partner.pk}/issue-key/"
    assert response["Location"] == url  # straight on to its first key
    assert url.encode() in admin_client.get(f"/admin/articles/partner/{partner.pk}/change/").content

    ask = admin_client.get(url)
    assert b"Issue the key" in ask.content and not APIKey.objects.exists()
    shown = admin_client.post(url)
    key = re.search(r'value="(sfk_[^"]+)"', shown.content.decode())[1]
    assert "no-store" in shown["Cache-Control"]
    stored = APIKey.objects.get()
    assert stored.key_hash == APIKey.digest(key)
    # Never again: not on the partner's page, its keys, or the keys list.
    for page in (
        f"/admin/articles/partner/{partner.pk}/change/",
        "/admin/articles/apikey/",
        f"/admin/articles/apikey/{stored.pk}/change/",
        url,
    ):
        text = admin_client.get(page).content.decode()
        assert key not in text and stored.prefix in text or page == url

    offered()
    assert client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


@pytest.mark.django_db
def test_a_revoked_key_is_refused_from_then_on(admin_client, client):
    partner = Partner.objects.create(name="Harbour Gazette")
    key = partner_actions.issue_key(SYSTEM, partner)
    keep = partner_actions.issue_key(SYSTEM, partner)
    stored = APIKey.objects.get(key_hash=APIKey.digest(key))
    response = admin_client.post(
        "/admin/articles/apikey/", {"action": "revoke", "_selected_action": [stored.pk]}
    )
    assert response.status_code == 302
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/articles/", **auth).status_code == 403
    assert client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {keep}").status_code == 200


@pytest.mark.django_db
def test_only_those_allowed_issue_keys(client):
    partner = Partner.objects.create(name="Harbour Gazette")
    client.force_login(make_staff("writer", superuser=False))
    url = f"/admin/articles/partner/{partner.pk}/issue-key/"
    assert client.post(url).status_code == 403
    assert not APIKey.objects.exists()


@pytest.mark.django_db
def test_the_article_shows_where_it_was_republished(admin_client, client):
    article = offered()
    partner = Partner.objects.create(name="Harbour Gazette")
    key = partner_actions.issue_key(SYSTEM, partner)
    client.get(pixel_path(article), HTTP_REFERER="https://coast.example/story")
    client.get(f"/api/v1/articles/{article.pk}/", HTTP_AUTHORIZATION=f"Bearer {key}")
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "coast.example (Republish snippet): 1 times" in page
    assert "Harbour Gazette (Partner API or feed): 1 times" in page
    assert (
        "Nowhere we know of yet."
        in admin_client.get(f"/admin/articles/article/{offered().pk}/change/").content.decode()
    )
