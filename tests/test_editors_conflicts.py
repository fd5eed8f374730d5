"""Two editors, one article: the second, stale save is refused and nothing is lost."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.actions import EditConflict
from articles.actions import articles as article_actions
from articles.models import Article
from tests.admin_forms import form_data
from tests.factories import SYSTEM, make_article, make_member

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_second_stale_save_is_refused_and_both_texts_survive():
    article = make_article(
        headline="Hospital waits",
        body="Opening paragraph.\n\nThe minister said nothing.",
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    ann, bo = logged_in(make_member("ann", "Editors")), logged_in(make_member("bo", "Editors"))
    ann_form, bo_form = ann.get(url), bo.get(url)  # both open version 1
    assert 'name="version" value="1"' in ann_form.content.decode()

    ann_body = "Opening paragraph.\n\nThe minister declined to comment."
    assert ann.post(url, form_data(ann_form, body=ann_body)).status_code == 302

    bo_body = "Opening paragraph.\n\nThe minister said nothing at all, twice."
    response = bo.post(url, form_data(bo_form, headline="Hospital waits grow", body=bo_body))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this article while you were editing it." in html
    # Bo's text is still in the form...
    after = form_data(response)
    assert after["body"] == [bo_body] and after["headline"] == ["Hospital waits grow"]
    # ...and what Ann changed is shown.
    assert "What the other editor changed" in html
    assert "The minister<del> said nothing.</del><ins> declined to comment.</ins>" in html
    assert "ann" in html
    # Nothing was overwritten.
    article.refresh_from_db()
    assert article.body == ann_body and article.headline == "Hospital waits"
    assert article.version == 2 and article.revisions.count() == 2

    # Having read Ann's change, Bo saves deliberately; Ann's text stays in the history.
    assert after["version"] == ["2"]
    assert bo.post(url, after).status_code == 302
    article.refresh_from_db()
    assert article.body == bo_body and article.version == 3
    bodies = [r.data["body"] for r in article.revisions.order_by("number")]
    assert bodies[1:] == [ann_body, bo_body]


def test_the_database_refuses_a_stale_conditional_save():
    """The lock is a conditional UPDATE, so even a save that slipped past the form's check
    (two requests validated at the same moment) cannot overwrite."""
    article = make_article(headline="Original")
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.headline = "First editor"
    article_actions.save(SYSTEM, first, expected_version=article.version)
    second.headline = "Second editor"
    with pytest.raises(EditConflict):
        article_actions.save(SYSTEM, second, expected_version=article.version)
    with pytest.raises(EditConflict, match="which version"):
        article_actions.save(SYSTEM, second, expected_version=None)
    article.refresh_from_db()
    assert article.headline == "First editor" and article.revisions.count() == 2


def test_a_form_without_a_version_does_not_pass_the_check_silently(admin_client):
    article = make_article(headline="Versioned")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(url), version="0", headline="Stale")
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "Someone else saved" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Versioned"


def test_a_form_that_leaves_the_version_out_is_refused(admin_client):
    """A POST without the version field must not overwrite silently (it used to)."""
    article = make_article(headline="Versioned")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(url), headline="Overwrite")
    del data["version"]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "does not say which version" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Versioned" and article.revisions.count() == 1
