"""The moderation queue at a glance: counts by state that filter, readable columns, and a
button per row (approve, spam, remove) that POSTs through the moderation action."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from articles.models import AuditEntry, Comment, DoNotIdentify, ProblemReport
from tests.factories import make_article, make_comment, make_member, make_staff

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_comment_changelist")


@pytest.fixture
def article():
    return make_article(headline="The moderated story")


def _row(client, comment, status, url=CHANGELIST):
    """Press one row's button, as the browser sends the changelist form."""
    return client.post(url, {"moderate": f"{status}:{comment.pk}", "action": "", "index": 0})


def _statuses(*comments):
    return [Comment.objects.get(pk=c.pk).status for c in comments]


def test_columns_and_row_buttons(admin_client, article):
    comment = make_comment(
        article, name="Ann Reader", body="A long comment " * 20, status=Comment.Status.PENDING
    )
    ProblemReport.objects.create(article=article, message="Wrong date.")
    ProblemReport.objects.create(article=article, message="Old.", status="declined")
    html = admin_client.get(CHANGELIST).content.decode()
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    columns = re.findall(r'<th scope="col" class="(?:sortable )?column-(\w+)', head)
    assert columns == [
        "excerpt", "article", "author", "state", "reports", "age", "moderate_buttons"
    ]  # fmt: skip
    row = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert "A long comment A long comment" in row and "…" in row  # an excerpt, not all of it
    assert "The moderated story" in row and "Ann Reader" in row and ">Pending<" in row
    assert '<td class="field-reports">1</td>' in row  # open reports only
    buttons = re.findall(r'<button type="submit" [^>]*name="moderate" value="([^"]+)"', row)
    assert buttons == [f"approved:{comment.pk}", f"spam:{comment.pk}", f"removed:{comment.pk}"]
    # The buttons sit in the changelist's POST form, with its CSRF token.
    form = re.search(r'<form id="changelist-form" method="post".*?</form>', html, re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form and 'value="approved:' in form


def test_a_row_offers_only_the_states_it_is_not_in(admin_client, article):
    approved = make_comment(article)
    html = admin_client.get(CHANGELIST + "?status=approved").content.decode()
    values = re.findall(r'name="moderate" value="([^"]+)"', html)
    assert values == [f"spam:{approved.pk}", f"removed:{approved.pk}"]


@pytest.mark.parametrize("status", ["approved", "spam", "removed"])
def test_a_row_button_moderates_that_comment_only(admin_client, admin_user, article, status):
    pressed = make_comment(article, status=Comment.Status.PENDING)
    other = make_comment(article, status=Comment.Status.PENDING)
    response = _row(admin_client, pressed, status, CHANGELIST + "?status=pending&q=Comment")
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST + "?status=pending&q=Comment"  # same list
    pressed.refresh_from_db()
    assert (pressed.status, pressed.moderated_by) == (status, admin_user)
    assert _statuses(other) == ["pending"]
    audit = AuditEntry.objects.get(action="comments_moderated")
    assert audit.detail == {status: 1}
    page = admin_client.get(response["Location"]).content.decode()
    assert "1 comment(s)." in page  # the message says what was done


def test_the_approval_is_public_at_once(client, admin_client, article):
    comment = make_comment(article, body="Now you see me", status=Comment.Status.PENDING)
    _row(admin_client, comment, "approved")
    assert "Now you see me" in client.get(article.get_absolute_url()).content.decode()
    _row(admin_client, comment, "removed")
    assert "Now you see me" not in client.get(article.get_absolute_url()).content.decode()


def test_the_identification_gate_holds_a_row_approval(admin_client, admin_user, article):
    entry = DoNotIdentify(article=article, term="Jo Bloggs", reason="anonymity")
    from articles.actions import safeguarding

    safeguarding.save_entry(admin_user, entry)
    comment = make_comment(article, body="It was Jo Bloggs.", status=Comment.Status.PENDING)
    response = _row(admin_client, comment, "approved")
    assert _statuses(comment) == ["pending"]
    page = admin_client.get(response["Location"]).content.decode()
    assert "Not approved: the comment by" in page


def test_a_moderator_in_the_group_may_press_the_buttons(client, article):
    client.force_login(make_member("mod", "Moderators"))
    comment = make_comment(article, status=Comment.Status.PENDING)
    assert 'value="spam:' in client.get(CHANGELIST).content.decode()
    assert _row(client, comment, "spam").status_code == 302
    assert _statuses(comment) == ["spam"]


def test_who_may_not_moderate_sees_no_buttons_and_is_refused(client, article):
    comment = make_comment(article, status=Comment.Status.PENDING)
    viewer = make_staff("viewer", superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    html = client.get(CHANGELIST).content.decode()
    assert "Comment text" in html and 'name="moderate"' not in html
    assert _row(client, comment, "approved").status_code == 403
    client.force_login(make_member("writer", "Writers"))  # no comment permission at all
    assert _row(client, comment, "removed").status_code == 403
    assert _statuses(comment) == ["pending"]
    assert not AuditEntry.objects.filter(action="comments_moderated").exists()


def test_a_get_changes_nothing_and_a_post_needs_the_csrf_token(admin_user, article):
    comment = make_comment(article, status=Comment.Status.PENDING)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    response = browser.get(CHANGELIST, {"moderate": f"approved:{comment.pk}"})
    assert (response.status_code, response["Location"]) == (302, CHANGELIST + "?e=1")
    assert _row(browser, comment, "approved").status_code == 403
    assert _statuses(comment) == ["pending"]


@pytest.mark.parametrize(
    "value", ["approved", "approved:", "approved:x", "pending:{pk}", "published:{pk}",
              "approved:\u0661", "approved:-1", ":{pk}", "approved:{pk}:{pk}", "a" * 5000],
)  # fmt: skip
def test_a_button_value_that_makes_no_sense_changes_nothing(admin_client, article, value):
    comment = make_comment(article, status=Comment.Status.PENDING)
    response = admin_client.post(CHANGELIST, {"moderate": value.format(pk=comment.pk)})
    assert response.status_code == 302
    assert _statuses(comment) == ["pending"]
    assert "not understood; nothing changed" in admin_client.get(CHANGELIST).content.decode()


def test_a_comment_gone_since_the_page_loaded(admin_client, article):
    comment = make_comment(article, status=Comment.Status.PENDING)
    Comment.objects.filter(pk=comment.pk).delete()
    response = _row(admin_client, comment, "spam")
    assert response.status_code == 302
    assert "Marked as spam 0 comment(s)." in admin_client.get(CHANGELIST).content.decode()


def test_counts_by_state_link_to_their_lists(admin_client, article):
    for status, n in [("pending", 3), ("approved", 2), ("spam", 1)]:
        for _ in range(n):
            make_comment(article, status=status)
    html = admin_client.get(CHANGELIST).content.decode()
    nav = re.search(r'<nav class="moderation-states".*?</nav>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>(.*?)</a>', nav, re.S)
    words = [(href, bool(now), re.sub(r"<[^>]+>", " ", text).split()) for href, now, text in links]
    assert words == [
        ("?status=pending", True, ["3", "Pending"]),
        ("?status=approved", False, ["2", "Approved"]),
        ("?status=spam", False, ["1", "Spam"]),
        ("?status=removed", False, ["0", "Removed"]),
        ("?status=all", False, ["6", "All"]),
    ]  # fmt: skip
    spam = admin_client.get(CHANGELIST + "?status=spam").content.decode()
    assert '<a href="?status=spam" aria-current="page">' in spam
    rows = re.search(r'<table id="result_list">.*?<tbody>(.*?)</tbody>', spam, re.S).group(1)
    assert rows.count("<tr") == 1


def test_queue_query_count_does_not_grow_with_rows(admin_client, django_assert_num_queries):
    """Session, user, the authenticator that verified the session, counts by state, the
    paginator's two counts, the site settings (branding), the rows (with article and open
    reports): the same for 2 rows as for 20."""
    for n in (2, 20):
        Comment.objects.all().delete()
        for i in range(n):
            make_comment(make_article(headline=f"Story {n}-{i}"), status=Comment.Status.PENDING)
        admin_client.get(CHANGELIST)
        with django_assert_num_queries(8):
            response = admin_client.get(CHANGELIST)
        assert response.content.decode().count('value="approved:') == n
