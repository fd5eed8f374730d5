"""A legal sign-off by link: an editor emails a lawyer without an account a signed,
expiring, single-use link; the page shows the article as it will appear (noindex, never
cached) with approve / request changes; the decision and its revision are audited; a
tampered, expired or used link opens nothing; a later edit stops the approval counting."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import previews, reviews, signoff
from articles.actions import GateClosed, NotAllowed, Refused
from articles.actions import articles as article_actions
from articles.actions import reviews as review_actions
from articles.models import Article, AuditEntry, PreviewLink, ReviewDecision, SignOffLink
from tests.factories import edit, make_article, make_member, with_helpline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _helpline():
    """The helpline a sensitive story needs beside it before it is published."""
    with_helpline()


@pytest.fixture
def editor():
    return make_member("eddie", "Editors")


@pytest.fixture
def story():
    return make_article(
        headline="Serious case review finds missed chances",
        body="The review found that opportunities were missed.",
        status=Article.Status.DRAFT,
        published_at=None,
        sensitive=True,
    )


def send(editor, story, **kwargs):
    kwargs = {"name": "Sam Counsel", "email": "sam@lawfirm.example"} | kwargs
    return review_actions.send_sign_off_link(editor, story, **kwargs)


def emailed_path():
    """The path of the sign-off link in the one email sent."""
    assert len(mail.outbox) == 1
    (url,) = re.findall(r"https?://\S+/sign-off/\S+/", mail.outbox[0].body)
    return urlsplit(url).path


def decide(client, path, outcome, comment="", digest=None):
    page = client.get(path)
    if digest is None:
        digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page.content.decode())[1]
    return client.post(path, {"outcome": outcome, "comment": comment, "digest": digest})


def test_the_lawyer_approves_by_link_once_and_the_editor_publishes(
    editor, story, client, django_capture_on_commit_callbacks
):
    link = send(editor, story)
    message = mail.outbox[0]
    assert message.to == ["sam@lawfirm.example"]
    assert story.headline not in message.body + message.subject  # no newsroom text in mail
    path = emailed_path()

    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert story.headline in html and "Legal sign-off requested" in html
    assert "Sam Counsel" in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert '<meta name="robots" content="noindex' in html
    assert 'id="comments"' not in html
    assert "Report an error" not in html  # readers report what is public; this is not

    with django_capture_on_commit_callbacks(execute=True):
        done = decide(client, path, "approved", "Cleared for publication.")
    told = mail.outbox[-1]  # the editor hears of it, without the article's text
    assert told.to == [editor.email] and "Sam Counsel approved" in told.subject
    assert f"/articles/article/{story.pk}/change/#review" in told.body
    assert story.headline not in told.body
    assert done.status_code == 200 and "your decision is recorded" in done.content.decode()
    decision = ReviewDecision.objects.get(outcome="approved")
    assert decision.link == link and decision.step == "Legal"
    assert decision.decided_by is None and decision.revision == 1
    entry = AuditEntry.objects.get(action="review_approved")
    assert entry.system_actor == "sign-off link"
    assert entry.detail == {
        "step": "Legal",
        "revision": 1,
        "version": 1,
        "link": link.pk,
        "reviewer": "Sam Counsel",
        "comment": "Cleared for publication.",
    }
    sent = AuditEntry.objects.get(action="sign_off_link_sent")
    assert sent.actor == editor and sent.detail["email"] == "sam@lawfirm.example"

    # Single use: the page now says so, and a second decision changes nothing.
    again = client.get(path)
    assert again.status_code == 410 and "has been used" in again.content.decode()
    assert story.headline not in again.content.decode()
    replay = client.post(path, {"outcome": "changes", "comment": "No!", "digest": decision.digest})
    assert replay.status_code == 410
    assert ReviewDecision.objects.count() == 1

    article_actions.publish(editor, story)
    assert Article.objects.get(pk=story.pk).is_published()


def test_the_link_is_never_shown_in_the_admin(editor, story):
    link = send(editor, story)
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert signoff.token(link) not in page
    assert "Link for Sam Counsel" in page and "waiting" in page


def test_asking_for_changes_needs_a_comment_and_keeps_the_link_until_given(editor, story, client):
    send(editor, story)
    path = emailed_path()
    response = decide(client, path, "changes", "   ")
    assert response.status_code == 200
    assert "needs a comment" in response.content.decode()
    assert not ReviewDecision.objects.exists()
    assert SignOffLink.objects.get().used_at is None
    decide(client, path, "changes", "Take out the street name.")
    assert reviews.review_of(story).summary() == "Changes requested at Legal"


def test_an_edit_while_the_lawyer_reads_refuses_their_decision_and_keeps_the_link(
    editor, story, client
):
    send(editor, story)
    path = emailed_path()
    seen = reviews.digest_of(story)
    edit(story, editor, body="Rewritten while the lawyer was reading.")
    response = decide(client, path, "approved", digest=seen)
    assert response.status_code == 200
    assert "The article changed after you opened it" in response.content.decode()
    assert not ReviewDecision.objects.exists()
    assert "Rewritten while the lawyer" in response.content.decode()  # shown afresh
    decide(client, path, "approved")  # on what it says now
    assert reviews.review_of(Article.objects.get(pk=story.pk)).complete


def test_an_edit_after_the_lawyer_approved_needs_a_new_sign_off(editor, story, client):
    send(editor, story)
    decide(client, emailed_path(), "approved")
    edit(story, editor, body="A paragraph added after the lawyer approved.")
    with pytest.raises(GateClosed) as closed:
        article_actions.publish(editor, story)
    assert "Needs the Legal step's approval" in str(closed.value)
    admin = Client()
    admin.force_login(editor)
    page = admin.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "Edited since Legal approved" in page


def test_an_expired_link_opens_nothing(editor, story, client):
    link = send(editor, story, days=1)
    path = emailed_path()
    SignOffLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(path)
    assert page.status_code == 410 and "has expired" in page.content.decode()
    assert story.headline not in page.content.decode()
    assert client.post(path, {"outcome": "approved", "digest": "0" * 64}).status_code == 410
    assert not ReviewDecision.objects.exists()


def test_a_link_past_the_longest_lifetime_is_not_valid_at_all(editor, story, client, settings):
    link = send(editor, story)
    path = emailed_path()
    settings.STANDFIRST_SIGN_OFF_MAX_AGE = 60
    old = link.created_at - timedelta(minutes=5)
    SignOffLink.objects.filter(pk=link.pk).update(created_at=old)
    link.refresh_from_db()
    assert client.get(reverse("articles:sign_off", args=[signoff.token(link)])).status_code == 404
    assert not path.endswith(f"{signoff.token(link)}/")  # the token carries its creation time


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: "x" + t[1:],  # the token id
        lambda t: t.split(":")[0],  # no signature at all
        lambda t: "",
    ],
)
def test_a_tampered_link_is_the_sites_404(editor, story, client, tamper):
    link = send(editor, story)
    token = tamper(signoff.token(link))
    response = client.get(f"/sign-off/{token}/")
    assert response.status_code == 404
    assert client.post(f"/sign-off/{token}/", {"outcome": "approved"}).status_code == 404
    assert not ReviewDecision.objects.exists()


def test_a_preview_token_never_opens_a_sign_off_page(editor, story, client):
    """Even for the same random id (the salts differ): a reviewer's preview link is no
    lawyer's sign-off."""
    link = send(editor, story)
    preview = PreviewLink.objects.create(article=story, created_by=editor, token_id=link.token_id)
    response = client.get(reverse("articles:sign_off", args=[previews.token(preview)]))
    assert response.status_code == 404


def test_only_editors_send_links_and_only_for_a_legal_step(editor, client):
    writer = make_member("wendy", "Writers")
    plain = make_article(status=Article.Status.DRAFT, published_at=None, created_by=writer)
    sensitive = make_article(
        status=Article.Status.DRAFT, published_at=None, sensitive=True, created_by=writer
    )
    with pytest.raises(NotAllowed):
        send(writer, sensitive)
    with pytest.raises(Refused, match="no legal step"):
        send(editor, plain)
    with pytest.raises(Refused):
        send(editor, sensitive, email="not an address")
    with pytest.raises(Refused, match="at most 7 days"):
        send(editor, sensitive, days=30)
    assert not SignOffLink.objects.exists() and not mail.outbox


def test_a_link_whose_email_fails_is_not_made(editor, story, settings):
    settings.EMAIL_BACKEND = "tests.test_review_signoff_link.FailingBackend"
    with pytest.raises(Refused, match="could not be sent"):
        send(editor, story)
    assert not SignOffLink.objects.exists()
    assert not AuditEntry.objects.filter(action="sign_off_link_sent").exists()


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_the_panel_emails_the_link(editor, story):
    client = Client()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_review", args=[story.pk]),
        {"review-do": "link", "review-name": "Sam Counsel", "review-email": "sam@law.example"},
    )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["sam@law.example"]
    assert SignOffLink.objects.get().expires_at > timezone.now() + timedelta(days=2)


def test_an_editor_revokes_a_link_sent_to_the_wrong_address(editor, story, client):
    link = send(editor, story, email="wrong@elsewhere.example")
    path = emailed_path()
    admin = Client()
    admin.force_login(editor)
    page = admin.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert f'value="revoke:{link.pk}"' in page
    review = reverse("admin:articles_article_review", args=[story.pk])
    writer = Client()
    writer.force_login(make_member("wendy", "Writers"))
    assert writer.post(review, {"review-do": f"revoke:{link.pk}"}).status_code == 404  # not theirs
    response = admin.post(review, {"review-do": f"revoke:{link.pk}"})
    assert response.status_code == 302
    assert SignOffLink.objects.get().revoked
    assert AuditEntry.objects.filter(action="sign_off_link_revoked", actor=editor).exists()
    assert client.get(path).status_code == 410
    assert client.post(path, {"outcome": "approved", "digest": "0" * 64}).status_code == 410
    assert not ReviewDecision.objects.exists()
    again = admin.post(review, {"review-do": f"revoke:{link.pk}"})  # nothing left to revoke
    assert (
        again.status_code == 302
        and AuditEntry.objects.filter(action="sign_off_link_revoked").count() == 1
    )


def test_only_editors_revoke(editor, story):
    link = send(editor, story)
    with pytest.raises(NotAllowed):
        review_actions.revoke_sign_off_link(make_member("lex", "Legal"), link)
    assert not SignOffLink.objects.get().revoked


def test_the_decision_needs_csrf_and_bad_input_changes_nothing(editor, story):
    send(editor, story)
    path = emailed_path()
    guarded = Client(enforce_csrf_checks=True)
    assert guarded.get(path).status_code == 200
    assert guarded.post(path, {"outcome": "approved", "digest": "0" * 64}).status_code == 403
    client = Client()
    for data in ({"outcome": "maybe"}, {"outcome": "approved"}, {"comment": "x" * 5000}):
        response = client.post(path, data)
        assert response.status_code == 200  # the page again, with the reason
        assert 'role="alert"' in response.content.decode()
    assert not ReviewDecision.objects.exists() and SignOffLink.objects.get().used_at is None


def test_a_writer_does_not_get_the_panels_list_of_links(editor):
    writer = make_member("wendy", "Writers")
    own = make_article(
        status=Article.Status.DRAFT, published_at=None, sensitive=True, created_by=writer
    )
    send(editor, own)
    client = Client()
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_change", args=[own.pk])).content.decode()
    assert "In review" in page or "Not sent for review" in page
    assert "Link for Sam Counsel" not in page  # the panel's list is the editors'
