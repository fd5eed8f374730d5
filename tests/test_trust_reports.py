"""Report a problem: a cookie-less form on every article, a queue, and one-step corrections."""

import time

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Article, Correction, ProblemReport
from articles.reports import REPORT_SALT
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def token(article, seconds_ago=60):
    issued = int(time.time()) - seconds_ago
    return signing.Signer(salt=REPORT_SALT).sign(f"{article.pk}:{issued}")


def report(client, article, headers=ORIGIN, **fields):
    data = {"token": token(article), "kind": "error", "message": "The date is wrong."} | fields
    return client.post(reverse("articles:report", args=[article.pk]), data, **headers)


def test_every_article_has_the_form_and_no_cookie(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "Report an error or raise a concern" in html
    assert f'action="/report/{article.pk}/"' in html and 'name="token"' in html
    assert "csrfmiddlewaretoken" not in html and not response.cookies


def test_a_report_lands_in_the_queue(client):
    article = make_article()
    response = report(client, article, email="reader@example.org")
    assert response.status_code == 201 and b"Thank you" in response.content
    assert not response.cookies
    saved = ProblemReport.objects.get()
    assert (saved.article, saved.kind, saved.status) == (article, "error", "new")
    assert saved.email == "reader@example.org" and len(saved.ip_hash) == 64


def test_a_browser_post_from_our_page_passes_django_csrf_middleware():
    """No CSRF token on the cached page: the same-origin headers are what protect the POST."""
    browser = Client(enforce_csrf_checks=True)
    headers = {"HTTP_SEC_FETCH_SITE": "same-origin", **ORIGIN}
    response = report(browser, make_article(), headers=headers)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("headers", "fields", "status", "text"),
    [
        ({}, {}, 403, "not sent from our site"),
        ({"HTTP_ORIGIN": "https://evil.example"}, {}, 403, "not sent from our site"),
        ({"HTTP_SEC_FETCH_SITE": "cross-site"}, {}, 403, "not sent from our site"),
        (ORIGIN, {"token": "forged"}, 400, "reload the page"),
        (ORIGIN, {"message": ""}, 400, "message"),
        (ORIGIN, {"kind": "nonsense"}, 400, "kind"),
        (ORIGIN, {"email": "not-an-email"}, 400, "email"),
    ],
)
def test_bad_reports_get_a_clear_4xx_and_save_nothing(client, headers, fields, status, text):
    response = report(client, make_article(), headers=headers, **fields)
    assert response.status_code == status
    assert text in response.content.decode()
    assert ProblemReport.objects.count() == 0


def test_too_quick_is_refused(client):
    article = make_article()
    response = report(client, article, token=token(article, seconds_ago=0))
    assert response.status_code == 400 and ProblemReport.objects.count() == 0


def test_honeypot_is_thanked_and_dropped(client):
    response = report(client, make_article(), website="http://spam.example")
    assert response.status_code == 200 and b"Thank you" in response.content
    assert ProblemReport.objects.count() == 0


def test_rate_limit(client):
    article = make_article()
    statuses = [report(client, article).status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]
    assert ProblemReport.objects.count() == 5


def test_unpublished_articles_take_no_reports(client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    assert report(client, draft).status_code == 404
    assert client.get(reverse("articles:report", args=[draft.pk])).status_code == 405


def test_report_becomes_a_correction_in_one_step(client, admin_client):
    article = make_article()
    report(client, article, message="The council's budget was £4m, not £40m.")
    pending = ProblemReport.objects.get()
    changelist = reverse("admin:articles_problemreport_changelist")
    admin_client.post(changelist, {"action": "make_correction", "_selected_action": [pending.pk]})
    assert Correction.objects.count() == 0  # no outcome written yet

    admin_client.post(
        reverse("admin:articles_problemreport_change", args=[pending.pk]),
        {"status": "reviewing", "outcome": "We misstated the budget: it is £4m, not £40m."},
    )
    admin_client.post(changelist, {"action": "make_correction", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    correction = Correction.objects.get()
    assert pending.correction == correction and pending.status == "corrected"
    assert correction.article == article and correction.text.startswith("We misstated")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "We misstated the budget" in html

    admin_client.post(changelist, {"action": "make_correction", "_selected_action": [pending.pk]})
    assert Correction.objects.count() == 1


def test_the_pages_token_measures_fill_time_from_the_page(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    printed = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    response = report(client, article, token=printed)  # sent at once: a bot's speed
    assert response.status_code == 400 and b"take a moment" in response.content


def test_a_report_is_taken_while_redis_is_down(client):
    """The rate counter treats an unreachable cache as a fresh window, never a 500."""
    down = {
        "default": {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=down):
        response = report(client, make_article())
    assert response.status_code == 201
    assert ProblemReport.objects.count() == 1
