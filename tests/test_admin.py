"""Editors in the admin: the article add and change pages load and save."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


def article_form(**overrides):
    data = {
        "kicker": "",
        "headline": "A new report",
        "slug": "a-new-report",
        "standfirst": "What it found.",
        "body": "Para *one*.",
        "status": "published",
        "published_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime().strftime("%H:%M:%S"),
        "expires_at_0": "",
        "expires_at_1": "",
        "seo_description": "",
        "republication-TOTAL_FORMS": "0",
        "republication-INITIAL_FORMS": "0",
        "byline_set-TOTAL_FORMS": "0",
        "byline_set-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "do_not_identify-TOTAL_FORMS": "0",
        "do_not_identify-INITIAL_FORMS": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "work_type": "news",
        "source_alerts-TOTAL_FORMS": "0",
        "source_alerts-INITIAL_FORMS": "0",
        "preview_links-TOTAL_FORMS": "0",
        "preview_links-INITIAL_FORMS": "0",
        "audit_entries-TOTAL_FORMS": "0",
        "audit_entries-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_add_page_has_the_markdown_editor(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "markdownx-editor" in html and "markdownx-preview" in html
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in html


def test_add_saves_and_renders_body(admin_client):
    author = make_author(name="Ann Writer")
    tag = make_tag()
    data = article_form(
        tags=[tag.pk],
        section=make_section().pk,
        **{
            "byline_set-TOTAL_FORMS": "1",
            "byline_set-0-author": author.pk,
            "byline_set-0-position": "0",
        },
    )
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="a-new-report")
    assert article.body_html == "<p>Para <em>one</em>.</p>"
    assert list(article.authors.all()) == [author]
    assert article.is_published()


def test_change_page_loads_and_saves(admin_client):
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert admin_client.get(url).status_code == 200
    data = article_form(headline="Changed", slug=article.slug, version=str(article.version))
    response = admin_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Changed"


def test_same_slug_same_day_is_a_form_error_not_a_500(admin_client):
    existing = make_article(slug="a-new-report", published_at=timezone.now())
    response = admin_client.post(reverse("admin:articles_article_add"), article_form())
    assert response.status_code == 200
    assert "Another article published that day already has this slug." in response.content.decode()
    assert Article.objects.count() == 1 and Article.objects.get() == existing


def test_list_and_actions(admin_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    changelist = reverse("admin:articles_article_changelist")
    assert admin_client.get(changelist).status_code == 200
    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published()
    admin_client.post(changelist, {"action": "close_comments", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.comments_closed


@pytest.mark.parametrize("model", ["section", "tag", "author", "callout", "sitesettings"])
def test_other_admins_load(admin_client, model):
    assert admin_client.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200
