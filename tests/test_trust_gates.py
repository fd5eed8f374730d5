"""The trust gates on every change to a public article, not only on first publication.

A live edit in the admin, a tag added later, a comment approved by a moderator: each passes
the licence fidelity gate and the do-not-identify scan, and a refusal names the passage and
the rule at the top of the page and stores nothing. An editor who may override the licence
check does so explicitly, with a reason, and the decision is recorded and audited.
"""

import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from articles.actions import Refused
from articles.actions import articles as article_actions
from articles.actions.articles import Override
from articles.models import (
    Article,
    AuditEntry,
    Comment,
    DoNotIdentify,
    Revision,
    Tag,
    TrustOverride,
)
from tests.admin_forms import form_data
from tests.factories import import_published, make_article, make_comment, make_member, make_staff

pytestmark = pytest.mark.django_db

PALMER = "had enough information to form a view"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def stored(article):
    """What a refused request must leave exactly as it was."""
    row = Article.objects.filter(pk=article.pk).values().get()
    return (
        row,
        Revision.objects.filter(article=article).count(),
        AuditEntry.objects.filter(article=article).count(),
        TrustOverride.objects.count(),
        sorted(Article.objects.get(pk=article.pk).tags.values_list("pk", flat=True)),
    )


@pytest.fixture
def licensed(seed_path):
    """The seed article, published under a licence that allows no edits."""
    import_published(str(seed_path), "--publish", "--licence", "CC BY-ND",
        stdout=io.StringIO(),
    )  # fmt: skip
    article = Article.objects.get()
    assert article.is_published() and PALMER in article.body
    return article


@pytest.fixture
def editor():
    return make_member("eddie", "Editors")


def top_of_page(html, text):
    """The text is on the page, above the first fieldset of the form."""
    return text in html and html.index(text) < html.index("<fieldset")


def test_a_quote_change_to_a_live_licensed_article_is_refused_at_the_top(licensed, editor):
    client = logged_in(editor)
    before = stored(licensed)
    page = client.get(change_url(licensed))
    data = form_data(page, body=licensed.body.replace(PALMER, "had plenty of information"))
    response = client.post(change_url(licensed), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert top_of_page(html, "Quote changed")
    assert "had plenty of information" in html and "allows no edits" in html
    assert stored(licensed) == before
    # An editor who may override is offered the reason field, and nothing else changes.
    assert 'name="override_reason"' in html


def test_an_editor_overrides_the_licence_check_with_a_reason_and_it_is_audited(licensed, editor):
    client = logged_in(editor)
    data = form_data(
        client.get(change_url(licensed)),
        body=licensed.body.replace(PALMER, "had plenty of information"),
    )
    refused = client.post(change_url(licensed), {**data, "override_reason": "   "})
    assert refused.status_code == 200 and "Quote changed" in refused.content.decode()
    assert not TrustOverride.objects.exists()  # a blank reason is no decision

    data = form_data(refused, override_reason="The source corrected this quote on 1 June.")
    response = client.post(change_url(licensed), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert "had plenty of information" in article.body
    decision = TrustOverride.objects.get()
    assert decision.decided_by == editor and decision.article == article
    assert "corrected this quote" in decision.reason
    assert any("plenty of information" in message for message in decision.accepted)
    entry = AuditEntry.objects.get(article=article, action="gate_overridden")
    assert entry.actor == editor and "corrected this quote" in entry.detail["reason"]
    # The accepted change stays accepted: the next edit need not override it again.
    data = form_data(client.get(change_url(article)), kicker="Updated")
    assert client.post(change_url(article), data).status_code == 302
    assert TrustOverride.objects.count() == 1


def test_who_may_not_override_cannot_publish_the_change(licensed):
    """An editor without the override permission is refused with a reason; a writer may
    not touch a published article at all."""
    publisher = make_staff("publisher", superuser=False)
    publisher.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_article", "view_article",
                                                 "publish_article"])
    )  # fmt: skip
    client = logged_in(publisher)
    before = stored(licensed)
    data = form_data(
        client.get(change_url(licensed)),
        body=licensed.body.replace(PALMER, "had plenty of information"),
    )
    response = client.post(change_url(licensed), data)
    html = response.content.decode()
    assert response.status_code == 200 and "Quote changed" in html
    assert 'name="override_reason"' not in html  # not offered
    assert stored(licensed) == before
    # A crafted reason is the role's refusal: forbidden, and nothing stored.
    data["override_reason"] = "I say so."
    assert client.post(change_url(licensed), data).status_code == 403
    assert stored(licensed) == before

    writer = make_member("wendy", "Writers")
    Article.objects.filter(pk=licensed.pk).update(created_by=writer)
    before = stored(licensed)
    response = logged_in(writer).post(change_url(licensed), data)
    assert response.status_code in (403, 302) and stored(licensed) == before


@pytest.fixture
def protected():
    article = make_article(headline="Boy, 7, was failed by agencies", body="What we found.")
    DoNotIdentify.objects.create(
        article=article, term="Jamie Brookes", kind="name", reason="restriction"
    )
    return article


def test_a_protected_name_added_to_a_live_article_is_refused_even_with_a_reason(protected, editor):
    client = logged_in(editor)
    before = stored(protected)
    data = form_data(client.get(change_url(protected)), body="Jamie Brookes was seven.")
    response = client.post(change_url(protected), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert top_of_page(html, "Jamie Brookes") and "in the body" in html
    assert 'name="override_reason"' not in html  # a sign-off, never a reason, lets it pass
    assert stored(protected) == before
    response = client.post(change_url(protected), {**data, "override_reason": "Public now."})
    assert response.status_code == 200 and stored(protected) == before
    assert Article.objects.get().body == "What we found."


def test_a_tag_naming_a_protected_child_cannot_be_added_to_a_live_article(protected, editor):
    tag = Tag.objects.create(name="Jamie Brookes inquiry", slug="jb-inquiry")
    client = logged_in(editor)
    before = stored(protected)
    data = form_data(client.get(change_url(protected)), tags=[str(tag.pk)])
    response = client.post(change_url(protected), data)
    assert response.status_code == 200 and "Jamie Brookes" in response.content.decode()
    assert stored(protected) == before


def test_approving_a_comment_that_names_a_protected_child_is_refused(protected):
    moderator = make_member("mo", "Moderators")
    naming = make_comment(protected, body="I knew jamie brookes.", status=Comment.Status.PENDING)
    harmless = make_comment(protected, body="So sad.", status=Comment.Status.PENDING)
    response = logged_in(moderator).post(
        reverse("admin:articles_comment_changelist"),
        {"action": "approve", "_selected_action": [naming.pk, harmless.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Not approved" in html and "on the do-not-identify register, in the comment" in html
    assert "“Jamie Brookes”" not in html  # moderators may not read the register itself
    naming.refresh_from_db(), harmless.refresh_from_db()
    assert naming.status == Comment.Status.PENDING
    assert harmless.status == Comment.Status.APPROVED
    public = Client().get(protected.get_absolute_url()).content.decode().lower()
    assert "so sad." in public and "jamie brookes" not in public

    # Nor through the comment's own change form.
    url = reverse("admin:articles_comment_change", args=[naming.pk])
    data = form_data(logged_in(moderator).get(url), form_id="comment_form", status="approved")
    response = logged_in(moderator).post(url, data)
    assert response.status_code == 200 and "register, in the comment" in response.content.decode()
    naming.refresh_from_db()
    assert naming.status == Comment.Status.PENDING

    # An editor, who may read the register, is told which entry.
    response = logged_in(make_member("eddie", "Editors")).post(
        reverse("admin:articles_comment_changelist"),
        {"action": "approve", "_selected_action": [naming.pk]},
        follow=True,
    )
    assert "“Jamie Brookes” (" in response.content.decode()
    naming.refresh_from_db()
    assert naming.status == Comment.Status.PENDING


def test_an_override_without_a_reason_is_refused_by_the_action_itself(licensed, editor):
    """The form drops a blank reason; the action refuses one from any other caller too."""
    article = Article.objects.get()
    before = stored(article)
    article.body = article.body.replace(PALMER, "had plenty of information")
    with pytest.raises(Refused, match="Give the reason"):
        article_actions.save(
            editor, article, expected_version=article.version, override=Override("  ")
        )
    assert stored(licensed) == before


def test_a_known_commenter_naming_a_protected_child_waits_for_a_moderator(protected):
    """Known commenters skip first-time moderation, but not the do-not-identify scan."""
    from articles.models import SiteSettings
    from tests.commenting import confirm_address, post_comment

    SiteSettings.objects.update_or_create(pk=1, defaults={"comment_moderation": "first"})
    make_comment(protected, email="regular@example.net")
    reader = Client()
    confirm_address(reader, "regular@example.net")
    post_comment(reader, protected, email="regular@example.net", body="A fine tribute.")
    post_comment(reader, protected, email="regular@example.net", body="I taught Jamie Brookes.")
    assert Comment.objects.get(body="A fine tribute.").status == Comment.Status.APPROVED
    assert Comment.objects.get(body="I taught Jamie Brookes.").status == Comment.Status.PENDING
    assert (
        "jamie brookes" not in Client().get(protected.get_absolute_url()).content.decode().lower()
    )
