"""Identification safeguards: the do-not-identify scan and the sign-off that lets it publish."""

import pytest
from django.urls import reverse

from articles.actions import GateClosed
from articles.actions import articles as article_actions
from articles.identification import TEXT_SOURCES, scan, text_source
from articles.models import Article, AuditEntry, Callout, DoNotIdentify
from tests.factories import SYSTEM, approve_all, edit, make_article

pytestmark = pytest.mark.django_db


def draft(**fields):
    return make_article(status=Article.Status.DRAFT, published_at=None, **fields)


def register(article, term, kind="name", reason="restriction"):
    return DoNotIdentify.objects.create(article=article, term=term, kind=kind, reason=reason)


def wheres(article):
    return sorted(match.where for match in scan(article))


def test_finds_a_name_in_alt_text_and_in_the_slug():
    article = draft(
        headline="Boy, 7, was failed by agencies",
        slug="jamie-brookes-review",
        body="The review was published.\n\n![Jamie Brookes at school](/media/inline/photo.jpg)",
    )
    register(article, "Jamie Brookes")
    assert wheres(article) == ["body", "image alt text", "slug"]


def test_whole_words_case_and_diacritics():
    article = draft(
        headline="ZOE attended Saint Anne's",
        standfirst="An annual review of Zoë's school, Hillside Academy.",
        body="Annette spoke. hillside-academy staff left.",
    )
    register(article, "Zoë")
    register(article, "Ann")  # not in "Anne's", "annual" or "Annette"
    register(article, "Hillside Academy", kind="school")
    found = {(m.entry.term, m.where) for m in scan(article)}
    assert found == {
        ("Zoë", "headline"),
        ("Zoë", "standfirst"),
        ("Hillside Academy", "standfirst"),
        ("Hillside Academy", "body"),
    }


def test_image_file_names_callouts_and_registered_sources():
    article = draft(body="![A house](/media/inline/brookes_family-home.jpg)")
    article.callouts.add(Callout.objects.create(text="Read about the Brookes case"))
    register(article, "Brookes", kind="name", reason="anonymity")

    @text_source
    def elsewhere(article):
        yield "somewhere else", "I know the Brookes family"

    try:
        assert wheres(article) == ["body", "callout", "image file name", "somewhere else"]
    finally:
        TEXT_SOURCES.remove(elsewhere)


def test_publishing_is_blocked_until_signed_off(admin_client):
    article = draft(
        slug="jamie-brookes-review",
        body="![Jamie Brookes at school](/media/inline/photo.jpg)",
    )
    entry = register(article, "Jamie Brookes")
    changelist = reverse("admin:articles_article_changelist")
    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [article.pk]}, follow=True
    )
    html = response.content.decode()
    assert "Not published" in html and "Reporting restriction" in html
    assert "in the image alt text" in html and "in the slug" in html
    assert Article.objects.get().status == Article.Status.DRAFT
    with pytest.raises(GateClosed, match="Jamie Brookes"):
        article_actions.publish(SYSTEM, article)

    change = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Found 3 matches" in change.content.decode()

    response = admin_client.post(
        reverse("admin:articles_donotidentify_change", args=[entry.pk]),
        {
            "article": article.pk,
            "term": entry.term,
            "kind": "name",
            "reason": "restriction",
            "sign_offs-TOTAL_FORMS": "1",
            "sign_offs-INITIAL_FORMS": "0",
            "sign_offs-0-reason": "The restriction was lifted by the court on appeal.",
        },
    )
    assert response.status_code == 302
    sign_off = entry.sign_offs.get()
    assert sign_off.signed_by.is_superuser
    entry_log = AuditEntry.objects.get(article=article, action="identification_signed_off")
    assert entry_log.actor == sign_off.signed_by
    assert "lifted by the court" in entry_log.detail["reason"]

    approve_all(article)  # the legal step the no-edits licence or the register asks for
    admin_client.post(changelist, {"action": "publish", "_selected_action": [article.pk]})
    assert Article.objects.get().is_published()


def test_fixing_the_text_unblocks_publishing():
    article = draft(headline="Jamie Brookes case")
    register(article, "Jamie Brookes")
    with pytest.raises(GateClosed):
        article_actions.publish(SYSTEM, article)
    edit(article, headline="Boy's case")
    article_actions.publish(SYSTEM, article)
    assert Article.objects.get().is_published()


def test_approved_comments_and_tags_are_scanned_but_pending_or_spam_ones_are_not():
    """Only what the public sees is scanned with the article; a pending comment is scanned
    when a moderator approves it (tests/test_trust_gates.py)."""
    from articles.models import Comment, Tag
    from tests.factories import make_comment

    article = draft()
    register(article, "Jamie Brookes")
    make_comment(article, body="I knew jamie brookes.", status=Comment.Status.APPROVED)
    make_comment(article, body="Jamie Brookes pending.", status=Comment.Status.PENDING)
    make_comment(article, body="Jamie Brookes again.", status=Comment.Status.SPAM)
    article.tags.add(Tag.objects.create(name="Jamie-Brookes inquiry", slug="jb-inquiry"))
    assert wheres(article) == ["approved comment", "tag"]


@pytest.mark.parametrize("group", ["Writers", "Moderators"])
def test_only_an_editor_signs_off_and_a_refusal_keeps_publishing_blocked(group):
    from articles.actions import NotAllowed
    from articles.actions.safeguarding import sign_off
    from tests.factories import make_member

    article = draft(headline="Jamie Brookes at the hearing")
    entry = register(article, "Jamie Brookes")
    with pytest.raises(NotAllowed):
        sign_off(make_member("someone", group), entry, "The court lifted the restriction.")
    assert not entry.sign_offs.exists()
    assert not AuditEntry.objects.filter(action="identification_signed_off").exists()
    with pytest.raises(GateClosed):
        article_actions.publish(SYSTEM, article)


def test_a_sign_off_without_a_reason_is_refused_and_stores_nothing():
    from articles.actions import Refused
    from articles.actions.safeguarding import sign_off
    from tests.factories import make_member

    article = draft(headline="Jamie Brookes at the hearing")
    entry = register(article, "Jamie Brookes")
    with pytest.raises(Refused, match="Say why"):
        sign_off(make_member("editor", "Editors"), entry, "   ")
    assert not entry.sign_offs.exists()
    with pytest.raises(GateClosed):
        article_actions.publish(SYSTEM, article)
