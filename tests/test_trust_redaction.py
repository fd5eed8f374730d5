"""Redaction: the name is gone from every table and every public response, in one step."""

import io

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from articles.fidelity import article_changes
from articles.models import Article, Comment, Correction, ProblemReport, SourceSnapshot
from articles.redaction import NOTE, redact
from tests.factories import make_comment, make_section, make_tag

pytestmark = pytest.mark.django_db

NAMES = "Amanda Hutton\nHutton"


def tables_mentioning(word):
    """Every (table, column) whose text holds the word, across all installed models."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            is_text = isinstance(field, models.CharField | models.TextField)
            lookup = {f"{field.name}__icontains": word}
            if is_text and model._default_manager.filter(**lookup).exists():
                found.append((model._meta.db_table, field.column))
    return found


@pytest.fixture
def seed(seed_path, admin_user):
    call_command(
        "import_article",
        str(seed_path),
        "--publish",
        "--licence",
        "CC BY-ND",
        "--source-url",
        "https://example.org/hamzah",
        stdout=io.StringIO(),
    )
    article = Article.objects.get()
    article.section = make_section(name="Children")
    article.save()
    article.tags.add(make_tag(name="Serious case reviews"))
    Correction.objects.create(article=article, text="We misspelled Amanda Hutton’s name.")
    ProblemReport.objects.create(article=article, message="Why is Hutton named?")
    make_comment(article, body="Amanda Hutton should have been stopped.")
    make_comment(article, name="A Hutton", body="Pending.", status=Comment.Status.PENDING)
    LogEntry.objects.log_actions(
        admin_user.pk,
        [article],
        CHANGE,
        "Checked the spelling of Amanda Hutton",
        single_object=True,
    )
    return article


def public_pages(client, article):
    urls = [
        article.get_absolute_url(),
        "/",
        article.section.get_absolute_url(),
        article.tags.get().get_absolute_url(),
        "/corrections/",
        "/corrections/feed/",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode().lower()
    return pages


def test_redaction_leaves_no_trace(admin_client, client, seed):
    digest = seed.source_snapshots.get().sha256
    before = public_pages(client, seed)
    assert "hutton" in before[seed.get_absolute_url()] and "hutton" in before["/corrections/"]
    assert len(tables_mentioning("Hutton")) >= 5

    changelist = reverse("admin:articles_article_changelist")
    asked = admin_client.post(changelist, {"action": "redact_name", "_selected_action": [seed.pk]})
    assert asked.status_code == 200 and b"Redact now" in asked.content
    done = admin_client.post(
        changelist,
        {
            "action": "redact_name",
            "_selected_action": [seed.pk],
            "apply": "1",
            "names": NAMES,
            "replacement": "his mother",
        },
    )
    assert done.status_code == 302

    assert tables_mentioning("Hutton") == []
    article = Article.objects.get()
    assert "his mother prevented such enquiries" in article.body
    assert "his mother prevented such enquiries" in article.body_html
    assert article.updated_at > seed.updated_at
    snapshot = SourceSnapshot.objects.get()
    assert snapshot.sha256 == digest and snapshot.redacted_at is not None
    assert "his mother’s depression" in snapshot.text

    for url, html in public_pages(client, article).items():
        assert "hutton" not in html, url
    page = client.get(article.get_absolute_url()).content.decode()
    assert NOTE in page and "Legal amendment" in page
    # The redacted copy still matches its (redacted) source: no spurious fidelity block.
    assert article_changes(article) == []


def test_accents_case_and_hyphens_are_redacted(seed):
    seed.body += "\n\nAMANDA HUTTON spoke; amanda-hutton.jpg; Amandá Hütton too."
    seed.save()
    redact(seed, ["Amanda Hutton"], "[name removed]")
    body = Article.objects.get().body
    assert "amanda" not in body.lower() and "Amandá" not in body
    assert "[name removed] spoke; [name removed].jpg; [name removed] too." in body


def test_no_names_changes_nothing(seed):
    with pytest.raises(ValueError, match="at least one name"):
        redact(seed, ["  "], "x")
    assert not Correction.objects.filter(text=NOTE).exists()
