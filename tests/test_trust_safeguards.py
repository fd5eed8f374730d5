"""Identification safeguards: the do-not-identify scan and the sign-off that lets it publish."""

import pytest
from django.urls import reverse

from articles.models import Article, AuditEntry, Callout, DoNotIdentify
from articles.publishing import PublishingBlocked
from articles.safeguards import TEXT_SOURCES, scan, text_source
from tests.factories import make_article

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
    def pending_comments(article):
        yield "pending comment", "I know the Brookes family"

    try:
        assert wheres(article) == [
            "body",
            "callout",
            "image file name",
            "pending comment",
        ]
    finally:
        TEXT_SOURCES.remove(pending_comments)


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
    article.status = Article.Status.PUBLISHED
    with pytest.raises(PublishingBlocked, match="Jamie Brookes"):
        article.save()

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

    admin_client.post(changelist, {"action": "publish", "_selected_action": [article.pk]})
    assert Article.objects.get().is_published()


def test_fixing_the_text_unblocks_publishing():
    article = draft(headline="Jamie Brookes case")
    register(article, "Jamie Brookes")
    article.status = Article.Status.PUBLISHED
    with pytest.raises(PublishingBlocked):
        article.save()
    article.headline = "Boy's case"
    article.save()
    assert Article.objects.get().is_published()


def test_pending_comments_are_scanned_but_approved_or_spam_ones_are_not():
    from articles.models import Comment
    from tests.factories import make_comment

    article = draft()
    register(article, "Jamie Brookes")
    make_comment(article, body="I knew jamie brookes.", status=Comment.Status.PENDING)
    make_comment(article, body="Jamie Brookes again.", status=Comment.Status.SPAM)
    assert wheres(article) == ["pending comment"]
