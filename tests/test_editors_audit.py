"""The audit log: who published, scheduled, unpublished, closed comments, and when."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import audit
from articles.actions import articles as article_actions
from articles.models import Article, AuditEntry
from tests.factories import SYSTEM, edit, make_article, make_staff

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


def actions(article):
    """(action, who) for each entry: a user's id, or a system actor's name."""
    entries = AuditEntry.objects.filter(article=article).order_by("id")
    return [(e.action, e.actor_id or e.system_actor) for e in entries]


def test_publishing_changes_are_recorded_with_who(admin_client, admin_user):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    changelist = reverse(CHANGELIST)
    for action in ("publish", "close_comments", "open_comments", "unpublish"):
        admin_client.post(changelist, {"action": action, "_selected_action": [article.pk]})
    article_actions.schedule(SYSTEM, article, timezone.now() + timedelta(days=1))
    article.refresh_from_db()
    me = admin_user.pk
    assert actions(article) == [
        ("created", "tests"),
        ("published", me),
        ("comments_closed", me),
        ("comments_opened", me),
        ("unpublished", me),
        ("scheduled", "tests"),  # a code path with no request: a named system actor
    ]
    scheduled = AuditEntry.objects.filter(action="scheduled").get()
    logged = parse_datetime(scheduled.detail["published_at"])  # JSON keeps milliseconds
    assert abs(logged - article.published_at) < timedelta(milliseconds=1)


def test_a_draft_edit_is_a_revision_and_a_live_edit_is_audited_too():
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    edit(draft, headline="Draft typo fixed")
    assert actions(draft) == [("created", "tests")]
    assert draft.revisions.count() == 2
    live = make_article()
    edit(live, headline="Live typo fixed")
    assert actions(live) == [("created", "tests"), ("published", "tests"), ("edited", "tests")]
    entry = AuditEntry.objects.get(article=live, action="edited")
    assert entry.detail == {"fields": ["headline"]}


def test_record_is_the_hook_for_other_features():
    article, editor = make_article(), make_staff("ed")
    entry = audit.record("corrected", article=article, actor=editor, note="Name spelt wrongly")
    assert entry.get_action_display() == "Corrected"
    assert entry.detail == {"note": "Name spelt wrongly"}
    setting = audit.record("safeguarding_changed", actor=editor, setting="helpline", on=True)
    assert setting.article is None and setting.detail == {"setting": "helpline", "on": True}
    with pytest.raises(ValueError):
        audit.record("made_up_action")
    editor.delete()
    entry.refresh_from_db()
    assert entry.actor is None  # deleting a user keeps the record


def test_the_log_is_visible_read_only_on_the_article_page_in_the_admin(admin_client):
    article = make_article()
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = html.content.decode()
    assert "Audit log" in html and "Published" in html
    assert admin_client.get(reverse("admin:articles_auditentry_changelist")).status_code == 200
    entry = AuditEntry.objects.get(action="published")
    url = reverse("admin:articles_auditentry_change", args=[entry.pk])
    response = admin_client.post(url, {"action": "unpublished"})
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "published"
