"""Fidelity to the source: the snapshot, the diff, and publishing held to the licence."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from articles import gates
from articles.actions import GateClosed
from articles.actions import articles as article_actions
from articles.fidelity import QUOTE, STYLE, SUBSTANTIVE, article_changes
from articles.models import Article, Republication, SourceSnapshot
from tests.factories import SYSTEM, approve_all
from tests.test_admin import article_form

pytestmark = pytest.mark.django_db

PALMER = "had enough information to form a view"
WANLESS = "called the case “deeply saddening”"


def import_draft(seed_path, licence):
    call_command("import_article", str(seed_path), "--licence", licence, stdout=io.StringIO())
    return Article.objects.get()


def edit(article, old, new):
    assert old in article.body, old
    article.body = article.body.replace(old, new)
    Article.objects.filter(pk=article.pk).update(body=article.body)
    return article


def test_snapshot_keeps_the_source_and_its_sha256(seed_path):
    article = import_draft(seed_path, "CC BY-ND")
    snapshot = article.source_snapshots.get()
    assert snapshot.text == seed_path.read_text(encoding="utf-8")
    assert snapshot.sha256 == hashlib.sha256(seed_path.read_bytes()).hexdigest()
    assert article_changes(article) == []


def test_snapshot_refuses_updates(seed_path, admin_client):
    snapshot = import_draft(seed_path, "CC BY-ND").source_snapshots.get()
    snapshot.text = "rewritten"
    with pytest.raises(ValidationError, match="immutable"):
        snapshot.save()
    url = reverse("admin:articles_sourcesnapshot_change", args=[snapshot.pk])
    assert admin_client.get(url).status_code == 200  # viewable
    assert admin_client.post(url, {"text": "rewritten"}).status_code == 403
    assert admin_client.post(url.replace("change", "delete"), {"post": "yes"}).status_code == 403
    snapshot.refresh_from_db()
    assert "Nancy Palmer" in snapshot.text


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        (PALMER, "had sufficient information to form a view", QUOTE),
        (WANLESS, "called the case “very sad”", QUOTE),
        ("died on 15th December 2009", "died on December 15, 2009", STYLE),
        ("organisations that came", "organizations that came", QUOTE),  # inside Palmer's quote
        ("only saw the living room", "saw the living room", SUBSTANTIVE),
        ("died on 15th December 2009", "died on 16 December 2009", SUBSTANTIVE),
        ("reluctance to pursue.", "reluctance  to pursue", STYLE),
    ],
)
def test_changes_are_classified(seed_path, old, new, kind):
    article = import_draft(seed_path, "CC BY-ND")
    edit(article, old, new)
    assert {change.kind for change in article_changes(article)} == {kind}


def test_changed_quote_blocks_publishing_under_no_edits(seed_path, admin_client):
    article = edit(import_draft(seed_path, "CC BY-ND"), PALMER, "had sufficient information")
    changelist = reverse("admin:articles_article_changelist")
    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [article.pk]}, follow=True
    )
    html = response.content.decode()
    assert "Not published" in html and "Quote changed" in html
    assert "had sufficient information" in html and "allows no edits" in html
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    with pytest.raises(GateClosed, match="Quote changed"):
        article_actions.publish(SYSTEM, article)
    assert Article.objects.get().status == Article.Status.DRAFT


def test_admin_form_lists_the_offending_passage(seed_path, admin_client):
    article = edit(import_draft(seed_path, "CC BY-ND"), WANLESS, "called the case “very sad”")
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = admin_client.get(url).content.decode()
    assert "Quote changed" in page and "very sad" in page and "deeply saddening" in page
    form = article_form(
        headline=article.headline,
        slug=article.slug,
        standfirst=article.standfirst,
        body=article.body,
        work_type="republished",
        version=str(article.version),
    )
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "Quote changed: “deeply saddening” → “very sad”" in response.content.decode()
    assert Article.objects.get().status == Article.Status.DRAFT


def test_date_format_change_publishes_under_time_place_style(seed_path, admin_client):
    article = import_draft(seed_path, "CC BY-ND")
    Republication.objects.update(allowed_edits=Republication.Edits.TIME_PLACE_STYLE)
    edit(article, "died on 15th December 2009", "died on December 15, 2009")
    changelist = reverse("admin:articles_article_changelist")
    approve_all(article)  # the legal step the no-edits licence or the register asks for
    admin_client.post(changelist, {"action": "publish", "_selected_action": [article.pk]})
    assert Article.objects.get().is_published()


def test_quote_change_still_blocks_under_time_place_style(seed_path):
    article = import_draft(seed_path, "CC BY-ND")
    Republication.objects.update(allowed_edits=Republication.Edits.TIME_PLACE_STYLE)
    edit(article, "died on 15th December 2009", "died on December 15, 2009")
    edit(article, WANLESS, "called the case “very sad”")
    with pytest.raises(GateClosed) as blocked:
        article_actions.publish(SYSTEM, article)
    found = [p.message for p in blocked.value.problems if p.rule == gates.FIDELITY]
    assert len(found) == 1 and "very sad" in found[0]


def test_any_edits_licence_publishes_whatever_changed(seed_path):
    article = edit(import_draft(seed_path, "CC BY"), WANLESS, "called the case “very sad”")
    assert article.republication.allowed_edits == Republication.Edits.ANY
    article_actions.publish(SYSTEM, article)
    assert Article.objects.get().is_published()
    assert SourceSnapshot.objects.count() == 1
