"""Preview: staff at the article URL, and signed, expiring, revocable links for reviewers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import previews
from articles.models import Article, AuditEntry, PreviewLink
from tests.admin_forms import form_data
from tests.factories import make_article, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_article(
        headline="Okapi draft for review", status=Article.Status.DRAFT, published_at=None
    )


def assert_preview(response, headline):
    assert response.status_code == 200
    html = response.content.decode()
    assert headline in html
    assert "Preview: not public" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control
    assert "private" in cache_control


def test_staff_with_change_permission_preview_a_draft(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(make_staff())
    assert_preview(client.get(draft.get_absolute_url()), draft.headline)


def test_a_link_made_in_the_admin_lets_a_reviewer_read_that_one_draft(admin_client, client, draft):
    other = make_article(headline="Other draft", status=Article.Status.DRAFT, published_at=None)
    change = reverse("admin:articles_article_change", args=[draft.pk])
    data = form_data(
        admin_client.get(change),
        **{"preview_links-TOTAL_FORMS": "1", "preview_links-0-note": "Legal, Sam"},
    )
    assert admin_client.post(change, data).status_code == 302
    link = PreviewLink.objects.get()
    assert link.article == draft and link.note == "Legal, Sam"
    assert AuditEntry.objects.filter(article=draft, action="preview_link_created").exists()
    url = previews.url(link)
    page = admin_client.get(change).content.decode()
    assert f'value="{url}"' in page  # shown in the admin, ready to copy

    response = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert_preview(response, draft.headline)
    assert "Other draft" not in response.content.decode()
    assert not response.cookies
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def preview_path(link):
    return reverse("articles:preview", kwargs={"token": previews.token(link)})


def test_tampered_links_are_404(client, draft):
    link = PreviewLink.objects.create(article=draft)
    token = previews.token(link)
    token_id, stamp, signature = token.split(":")
    forged_signature = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other_link = PreviewLink.objects.create(article=make_article(status="draft", published_at=None))
    bad = [
        f"{token_id}:{stamp}:{forged_signature}",
        f"{other_link.token_id}:{stamp}:{signature}",  # another link's id, this signature
        f"{token_id}:{stamp}",
        "not-a-token",
    ]
    assert client.get(preview_path(link)).status_code == 200
    for value in bad:
        response = client.get(reverse("articles:preview", kwargs={"token": value}))
        assert response.status_code == 404, value
        assert draft.headline not in response.content.decode()


def test_expired_links_are_404(client, draft, settings):
    settings.STANDFIRST_PREVIEW_MAX_AGE = 3600
    now = timezone.now()
    fresh = PreviewLink.objects.create(article=draft)
    assert fresh.expires_at == fresh.created_at + timedelta(hours=1)
    signed_too_long_ago = PreviewLink.objects.create(
        article=draft, created_at=now - timedelta(hours=2), expires_at=now + timedelta(days=1)
    )
    cut_short = PreviewLink.objects.create(article=draft, expires_at=now - timedelta(seconds=1))
    assert client.get(preview_path(fresh)).status_code == 200
    assert client.get(preview_path(signed_too_long_ago)).status_code == 404
    assert client.get(preview_path(cut_short)).status_code == 404


def test_revoking_a_link_in_the_admin_stops_it(admin_client, client, draft):
    link = PreviewLink.objects.create(article=draft)
    path = preview_path(link)
    assert client.get(path).status_code == 200
    change = reverse("admin:articles_article_change", args=[draft.pk])
    data = form_data(admin_client.get(change), **{"preview_links-0-revoked": "on"})
    assert admin_client.post(change, data).status_code == 302
    link.refresh_from_db()
    assert link.revoked
    assert client.get(path).status_code == 404
    assert AuditEntry.objects.filter(article=draft, action="preview_link_revoked").exists()
    assert "Revoked" in admin_client.get(change).content.decode()


def test_link_usability_agrees_with_the_queryset(draft):
    now = timezone.now()
    links = [
        PreviewLink.objects.create(article=draft),
        PreviewLink.objects.create(article=draft, revoked=True),
        PreviewLink.objects.create(article=draft, expires_at=now - timedelta(seconds=1)),
    ]
    usable = set(PreviewLink.objects.usable())
    assert usable == {links[0]}
    assert [link.is_usable() for link in links] == [True, False, False]
