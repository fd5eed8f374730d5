"""Comment state with a reason, and legal holds that close and restore by tag."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.actions.holds import apply_hold, lift_hold
from articles.models import Article, AuditEntry, LegalHold, SiteSettings
from tests.admin_forms import form_data
from tests.commenting import post_comment
from tests.factories import SYSTEM, edit, make_article, make_tag

pytestmark = pytest.mark.django_db

STATE = ["comments_closed", "comments_closed_reason", "comments_closed_note", "comments_hidden"]


def state(article):
    article.refresh_from_db()
    return {field: getattr(article, field) for field in STATE}


def test_page_gives_the_reason_and_date(client):
    closed_at = timezone.now() - timedelta(days=1)
    article = make_article(
        comments_closed=True,
        comments_closed_reason="editor",
        comments_closed_note="the discussion turned abusive",
        comments_closed_at=closed_at,
    )
    assert not article.comments_open
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'Comments are closed. Closed by an editor on <time datetime="{closed_at:%Y-%m-%dT}' in html
    )
    assert ": the discussion turned abusive.</p>" in html


def test_closed_by_age_says_so(client):
    SiteSettings.load()
    article = make_article(published_at=timezone.now() - timedelta(days=40))
    assert not article.comments_open
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed. Closed 30 days after publication on <time" in html


def test_plain_closed_flag_says_only_that(client):
    article = make_article(comments_closed=True)
    assert (
        '<p class="comments-closed">Comments are closed.</p>'
        in client.get(article.get_absolute_url()).content.decode()
    )


def test_hidden_comments_are_closed_too():
    assert make_article().comments_open
    assert not make_article(comments_hidden=True).comments_open


@pytest.fixture
def tagged():
    tag = make_tag(name="Trial")
    now = timezone.now()
    return tag, {
        "open": make_article(tags=[tag]),
        "editor": make_article(
            tags=[tag],
            comments_closed=True,
            comments_closed_reason="editor",
            comments_closed_note="Too many off-topic comments",
            comments_closed_at=now,
        ),
        "hidden": make_article(tags=[tag], comments_closed=True, comments_hidden=True),
        "untagged": make_article(),
    }


def hold(tag, reason="Contempt of court risk", hide=False):
    return apply_hold(SYSTEM, LegalHold(tag=tag, reason=reason, hide_comments=hide))


def test_legal_hold_closes_every_tagged_article_and_lifting_restores_each(
    admin_client, client, tagged
):
    tag, articles = tagged
    before = {name: state(article) for name, article in articles.items()}
    response = admin_client.post(
        reverse("admin:articles_legalhold_add"),
        {"tag": tag.pk, "reason": "Contempt of court risk", "hide_comments": "on"},
    )
    assert response.status_code == 302
    held = LegalHold.objects.get()
    assert held.created_by.is_superuser
    for name in ("open", "editor", "hidden"):
        article = Article.objects.get(pk=articles[name].pk)
        assert not article.comments_open and article.hides_comments
        assert article.comments_closure()["reason"] == "Closed for legal reasons"
        # The hold is a rule, not a rewrite: the article's own state is untouched.
        assert state(articles[name]) == before[name]
    assert Article.objects.get(pk=articles["untagged"].pk).comments_open
    html = client.get(articles["open"].get_absolute_url()).content.decode()
    assert "Comments are closed. Closed for legal reasons on <time" in html
    assert "Contempt of court risk" in html
    entries = AuditEntry.objects.filter(action="legal_hold_applied", article__isnull=False)
    assert {e.article_id for e in entries} == {articles[n].pk for n in ("open", "editor", "hidden")}

    # An editor's "open comments" cannot undo a legal hold, and says why.
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "open_comments", "_selected_action": [articles["editor"].pk]},
        follow=True,
    )
    assert "held by the legal hold on Trial" in response.content.decode()
    assert state(articles["editor"]) == before["editor"]

    admin_client.post(
        reverse("admin:articles_legalhold_changelist"),
        {"action": "lift", "_selected_action": [held.pk]},
    )
    assert {name: state(article) for name, article in articles.items()} == before
    held.refresh_from_db()
    assert not held.active and held.lifted_by is not None
    assert Article.objects.get(pk=articles["open"].pk).comments_open


def test_a_tag_given_after_the_hold_is_held_too(client, tagged):
    """A live rule: the hold covers an article tagged later, on the page and for a POST."""
    tag, _ = tagged
    hold(tag)
    later = make_article(headline="Tagged later")
    assert later.comments_open
    edit(later, relations=lambda a: a.tags.add(tag))
    later = Article.objects.get(pk=later.pk)
    assert not later.comments_open
    html = client.get(later.get_absolute_url()).content.decode()
    assert "Closed for legal reasons" in html and 'id="comment-form"' not in html
    assert post_comment(client, later, body="Too soon").status_code == 403


def test_neither_the_form_nor_a_restore_reopens_held_comments(admin_client, tagged):
    tag, articles = tagged
    article = articles["open"]
    edit(article, comments_closed=True, comments_closed_reason="editor")  # revision 2
    hold(tag)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(url), comments_closed="")
    data.pop("comments_closed", None)
    assert admin_client.post(url, data).status_code == 302
    restore = reverse("admin:articles_article_restore", args=[article.pk, 1])
    assert admin_client.post(restore).status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert not article.comments_closed  # the form and the restore did change the flag...
    assert not article.comments_open  # ...and the hold still holds
    page = admin_client.get(url).content.decode()
    assert "by the legal hold on the tag “Trial”" in page


def test_overlapping_holds_keep_comments_closed_until_both_are_lifted(tagged):
    tag, articles = tagged
    other = make_tag(name="Defendant")
    edit(articles["open"], relations=lambda a: a.tags.add(other))
    first, second = hold(tag, "First order"), hold(other, "Second order", hide=True)
    lift_hold(SYSTEM, first)
    article = Article.objects.get(pk=articles["open"].pk)
    assert not article.comments_open and article.hides_comments  # still held by the second
    lift_hold(SYSTEM, second)
    assert Article.objects.get(pk=articles["open"].pk).comments_open


def test_a_second_active_hold_on_the_same_tag_is_refused(admin_client, tagged):
    tag, _ = tagged
    hold(tag, "First")
    response = admin_client.post(
        reverse("admin:articles_legalhold_add"), {"tag": tag.pk, "reason": "Again"}
    )
    assert response.status_code == 200
    assert "already has an active legal hold" in response.content.decode()
    assert LegalHold.objects.count() == 1
