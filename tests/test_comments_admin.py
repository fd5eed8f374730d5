"""Moderators in the admin: the pending queue, bulk actions, the article's comments, emails."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.models import BlockedTerm, Comment
from tests.changes import captured
from tests.commenting import post_comment
from tests.factories import make_article, make_comment, make_staff
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_comment_changelist")


@pytest.fixture
def article():
    return make_article(headline="The moderated story")


def test_queue_shows_pending_by_default(admin_client, article):
    make_comment(article, body="Waiting for a moderator", status=Comment.Status.PENDING)
    make_comment(article, body="Already approved")
    make_comment(article, body="Junk junk", status=Comment.Status.SPAM)
    html = admin_client.get(CHANGELIST).content.decode()
    assert "Waiting for a moderator" in html
    assert "Already approved" not in html and "Junk junk" not in html
    assert "The moderated story" in html and "ago" in html  # article and age columns
    everything = admin_client.get(CHANGELIST + "?status=all").content.decode()
    assert "Already approved" in everything and "Junk junk" in everything
    spam = admin_client.get(CHANGELIST + "?status=spam").content.decode()
    assert "Junk junk" in spam and "Waiting for a moderator" not in spam


def _act(client, action, comments):
    """A bulk action as the changelist sends it, from the "All" view of the queue."""
    return client.post(
        CHANGELIST + "?status=all",
        {"action": action, "_selected_action": [c.pk for c in comments], "index": 0},
    )


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", "approved"), ("mark_spam", "spam"), ("remove", "removed")],
)
def test_bulk_moderation_actions(admin_client, admin_user, article, action, status):
    comments = [make_comment(article, status=Comment.Status.PENDING) for _ in range(2)]
    untouched = make_comment(article, status=Comment.Status.PENDING)
    with captured() as changes:
        assert _act(admin_client, action, comments).status_code == 302
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == admin_user and comment.moderated_at
    untouched.refresh_from_db()
    assert untouched.status == Comment.Status.PENDING and untouched.moderated_by is None
    # Only an approval changes what readers see; pending to spam or removed does not.
    expected = [{article.pk}] if status == "approved" else []
    assert [set(change.articles) for change in changes] == expected


def test_approving_publishes_and_removing_takes_it_off_the_page_at_once(
    client, admin_client, article
):
    comment = make_comment(article, body="Now you see me", status=Comment.Status.PENDING)
    assert "Now you see me" not in client.get(article.get_absolute_url()).content.decode()
    _act(admin_client, "approve", [comment])
    assert "Now you see me" in client.get(article.get_absolute_url()).content.decode()
    _act(admin_client, "remove", [comment])
    assert "Now you see me" not in client.get(article.get_absolute_url()).content.decode()


def test_changing_one_comments_status_in_its_form(client, admin_client, admin_user, article):
    comment = make_comment(article, body="Edited out")
    url = reverse("admin:articles_comment_change", args=[comment.pk])
    assert admin_client.get(url).status_code == 200
    data = {"name": comment.name, "email": comment.email, "body": comment.body, "status": "removed"}
    assert admin_client.post(url, data).status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == ("removed", admin_user)
    assert "Edited out" not in client.get(article.get_absolute_url()).content.decode()


def test_close_comments_on_the_article(client, admin_client, article):
    comment = make_comment(article, status=Comment.Status.PENDING)
    _act(admin_client, "close_article_comments", [comment])
    article.refresh_from_db()
    assert article.comments_closed and not article.comments_open
    assert "Comments are closed." in client.get(article.get_absolute_url()).content.decode()


def test_moderator_without_article_permission_cannot_close_articles(client, article):
    moderator = make_staff("moderator", superuser=False)
    moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    make_comment(article, status=Comment.Status.PENDING)
    client.force_login(moderator)
    html = client.get(CHANGELIST).content.decode()
    assert 'value="approve"' in html and 'value="close_article_comments"' not in html


def test_article_admin_shows_counts_and_its_comments(admin_client, article):
    make_comment(article, body="Approved words")
    make_comment(article, body="Pending words", status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.SPAM)
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    html = html.decode()
    assert "Pending: 2 · Approved: 1 · Spam: 1 · Removed: 0" in html
    assert "Approved words" in html and "Pending words" in html


def test_blocked_terms_are_edited_in_the_admin(admin_client, client):
    url = reverse("admin:articles_blockedterm_add")
    response = admin_client.post(url, {"term": "  Viagra ", "kind": "word", "note": "spam"})
    assert response.status_code == 302
    assert BlockedTerm.objects.get().term == "viagra"
    article = make_article()
    post_comment(client, article, body="Buy VIAGRA now")
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_moderators_are_emailed_about_pending_comments(client, article, mailoutbox):
    moderators = Group.objects.get(name="Moderators")  # made by the roles migration
    assert moderators.permissions.filter(codename="change_comment").exists()
    in_group = make_staff("mod", superuser=False)
    in_group.groups.add(moderators)
    make_staff("boss")  # a superuser: boss@example.org
    make_staff("writer", superuser=False)  # no permission to moderate
    make_staff("gone", is_active=False)
    post_comment(client, article, name="Ann", body="Please look at this.")
    assert mailoutbox == []  # never inside the reader's request
    run_worker()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert sorted(mail.to) == ["boss@example.org", "mod@example.org"]
    assert "The moderated story" in mail.subject
    assert "Please look at this." in mail.body and "/admin/articles/comment/" in mail.body


def test_spam_is_not_mailed_and_recipients_come_from_settings(
    client, article, mailoutbox, settings
):
    settings.STANDFIRST_COMMENT_NOTIFY = ["desk@example.org"]
    BlockedTerm.objects.create(term="casino")
    post_comment(client, article, body="casino", email="a@example.net")
    post_comment(client, article, body="fine words", email="b@example.net")
    run_worker()
    assert [m.to for m in mailoutbox] == [["desk@example.org"]]
    settings.STANDFIRST_COMMENT_NOTIFY = ["none"]
    post_comment(client, article, body="more words", email="c@example.net")
    run_worker()
    assert len(mailoutbox) == 1
