"""Roles: Writers draft, Editors publish, Moderators only moderate; by every route."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AuditEntry
from tests.admin_forms import form_data
from tests.factories import make_article, make_member

pytestmark = pytest.mark.django_db

ADD = "admin:articles_article_add"
CHANGELIST = "admin:articles_article_changelist"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def writer():
    return make_member("wendy", "Writers")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def publishing_post(**extra):
    """The fields a crafted POST would add to publish now, plus a scheduled time."""
    soon = timezone.localtime() + timedelta(minutes=5)
    return {
        "status": "published",
        "published_at_0": soon.strftime("%Y-%m-%d"),
        "published_at_1": soon.strftime("%H:%M:%S"),
        "featured": "on",
        "republish_licence": "cc-by-4.0",
        **extra,
    }


def test_the_migration_creates_the_groups():
    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    writers = Group.objects.get(name="Writers").permissions.values_list("codename", flat=True)
    moderators = Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    assert {"publish_article", "change_article", "change_sitesettings"} <= set(editors)
    # Permissions that came with later migrations reach the groups too.
    assert {"redact_article", "override_fidelity"} <= set(editors)
    assert {"add_article", "change_article"} <= set(writers)
    assert "publish_article" not in writers and "delete_article" not in writers
    assert "redact_article" not in writers and "override_fidelity" not in writers
    assert "change_article" not in moderators and "add_tag" not in writers
    assert {c for c in moderators if not c.endswith("_comment")} == set()  # comments only


def test_a_writer_creates_a_draft_but_a_crafted_publish_post_is_ignored(writer):
    client = logged_in(writer)
    page = client.get(reverse(ADD))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="status"' not in html and 'name="published_at_0"' not in html
    data = form_data(page, headline="Writer story", slug="writer-story", standfirst="S.", body="B.")
    data.update({k: [v] for k, v in publishing_post().items()})
    assert client.post(reverse(ADD), data).status_code == 302

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert not article.featured and not article.republish_licence
    assert article.created_by == writer
    assert not AuditEntry.objects.filter(action__in=["published", "scheduled"]).exists()


def test_a_writer_edits_their_draft_but_cannot_publish_it_by_post_or_action(writer):
    client = logged_in(writer)
    article = make_article(status=Article.Status.DRAFT, published_at=None, created_by=writer)
    page = client.get(change_url(article))
    data = form_data(page, headline="Better headline")
    data.update({k: [v] for k, v in publishing_post().items()})
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Better headline"
    assert article.status == Article.Status.DRAFT and article.published_at is None

    changelist = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="publish"' not in changelist and 'value="unpublish"' not in changelist
    for action in ("publish", "close_comments"):
        client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and not article.comments_closed
    assert not article.is_published()


def test_a_writer_cannot_touch_published_or_other_peoples_articles(writer):
    client = logged_in(writer)
    published = make_article(headline="Published piece", created_by=writer)
    others = make_article(headline="Someone else's draft", status="draft", published_at=None)

    data = form_data(client.get(change_url(published)), headline="Sneaky change")
    assert client.post(change_url(published), {**data, "headline": ["Sneaky"]}).status_code == 403
    assert client.get(change_url(others)).status_code == 302  # "does not exist", to the index
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "Published piece" in listing and "Someone else&#x27;s draft" not in listing
    restore = reverse("admin:articles_article_restore", args=[published.pk, 1])
    assert client.post(restore).status_code == 403
    published.refresh_from_db()
    assert published.headline == "Published piece"


def test_an_editor_publishes_and_schedules(writer):
    editor = logged_in(make_member("eddie", "Editors"))
    draft = make_article(status=Article.Status.DRAFT, published_at=None, created_by=writer)
    editor.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published()

    later = make_article(status=Article.Status.DRAFT, published_at=None)
    data = form_data(editor.get(change_url(later)))
    data.update({k: [v] for k, v in publishing_post().items()})
    assert editor.post(change_url(later), data).status_code == 302
    later.refresh_from_db()
    assert later.publishing_state() == Article.State.SCHEDULED and later.featured


def test_moderators_cannot_change_articles():
    moderator = logged_in(make_member("mo", "Moderators"))
    article = make_article(headline="Moderated")
    assert moderator.get(reverse(CHANGELIST)).status_code == 403  # comments only
    assert moderator.get(change_url(article)).status_code == 403
    assert moderator.post(change_url(article), {"headline": "Changed"}).status_code == 403
    assert moderator.get(reverse(ADD)).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Moderated"
