"""Comment state with a reason, and legal holds that close and restore by tag."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.legal_hold import apply_hold, lift_hold
from articles.models import Article, LegalHold, SiteSettings
from tests.factories import make_article, make_tag

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
    hold = LegalHold.objects.get()
    assert hold.created_by.is_superuser and hold.entries.count() == 3
    for name in ("open", "editor", "hidden"):
        held = state(articles[name])
        assert held["comments_closed"] and held["comments_hidden"]
        assert held["comments_closed_reason"] == "legal"
        assert not articles[name].comments_open
    assert state(articles["untagged"]) == before["untagged"]
    html = client.get(articles["open"].get_absolute_url()).content.decode()
    assert "Comments are closed. Closed for legal reasons on <time" in html
    assert "Contempt of court risk" in html

    # An editor's "open comments" cannot undo a legal hold.
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "open_comments", "_selected_action": [articles["open"].pk]},
    )
    assert state(articles["open"])["comments_closed_reason"] == "legal"

    admin_client.post(
        reverse("admin:articles_legalhold_changelist"),
        {"action": "lift", "_selected_action": [hold.pk]},
    )
    assert {name: state(article) for name, article in articles.items()} == before
    hold.refresh_from_db()
    assert not hold.active and hold.lifted_by is not None
    assert articles["open"].comments_open


def test_overlapping_holds_restore_the_state_before_both(tagged):
    tag, articles = tagged
    other = make_tag(name="Defendant")
    articles["open"].tags.add(other)
    before = state(articles["open"])
    first = LegalHold.objects.create(tag=tag, reason="First order")
    apply_hold(first)
    second = LegalHold.objects.create(tag=other, reason="Second order", hide_comments=True)
    apply_hold(second)
    lift_hold(first)
    assert state(articles["open"])["comments_closed_reason"] == "legal"  # still held
    lift_hold(second)
    assert state(articles["open"]) == before


def test_a_second_active_hold_on_the_same_tag_is_refused(admin_client, tagged):
    tag, _ = tagged
    apply_hold(LegalHold.objects.create(tag=tag, reason="First"))
    response = admin_client.post(
        reverse("admin:articles_legalhold_add"), {"tag": tag.pk, "reason": "Again"}
    )
    assert response.status_code == 200
    assert "already has an active legal hold" in response.content.decode()
    assert LegalHold.objects.count() == 1
    assert Article.objects.filter(comments_closed_reason="legal").count() == 3
