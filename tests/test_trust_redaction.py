"""Redaction: the name is gone from every table and every public response, in one step."""

import io
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from PIL import Image

from articles.actions import Refused
from articles.actions.corrections import add as add_correction
from articles.actions.redaction import NOTE, redact
from articles.fidelity import article_changes
from articles.models import (
    Article,
    Comment,
    Correction,
    DoNotIdentify,
    ImageRendition,
    ProblemReport,
    Republication,
    SealedSource,
    SourceSnapshot,
    Tag,
)
from tests.admin_forms import form_data
from tests.factories import (
    SYSTEM,
    edit,
    import_published,
    make_article,
    make_comment,
    make_section,
    make_tag,
)

pytestmark = pytest.mark.django_db

NAMES = "Amanda Hutton\nHutton"


def tables_mentioning(word):
    """Every (table, column) whose text holds the word, across all installed models, except
    the sealed originals of redacted sources (evidence, for the legal role only)."""
    found = []
    for model in apps.get_models():
        if model is SealedSource:
            continue
        for field in model._meta.concrete_fields:
            is_text = isinstance(field, models.CharField | models.TextField)
            lookup = {f"{field.name}__icontains": word}
            if is_text and model._default_manager.filter(**lookup).exists():
                found.append((model._meta.db_table, field.column))
    return found


@pytest.fixture
def seed(seed_path, admin_user):
    import_published(
        str(seed_path),
        "--publish",
        "--licence",
        "CC BY-ND",
        "--source-url",
        "https://example.org/hamzah",
        stdout=io.StringIO(),
    )
    article = Article.objects.get()
    tag = make_tag(name="Serious case reviews")
    article = edit(article, section=make_section(name="Children"),
                   relations=lambda a: a.tags.add(tag))  # fmt: skip
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


def test_redaction_leaves_no_trace(admin_client, client, seed, django_capture_on_commit_callbacks):
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
    Republication.objects.update(allowed_edits=Republication.Edits.ANY)  # we may add text
    edit(seed, body=seed.body + "\n\nAMANDA HUTTON spoke; amanda-hutton.jpg; Amandá Hütton too.")
    redact(SYSTEM, [seed], ["Amanda Hutton"], "[name removed]")
    body = Article.objects.get().body
    assert "amanda" not in body.lower() and "Amandá" not in body
    assert "[name removed] spoke; [name removed].jpg; [name removed] too." in body


def test_no_names_changes_nothing(seed):
    with pytest.raises(Refused, match="at least one name"):
        redact(SYSTEM, [seed], ["  "], "x")
    assert not Correction.objects.filter(text=NOTE).exists()


# A name everywhere, gone everywhere ------------------------------------------------------

WHO = "Kerry Sandal"


def rows_mentioning(word):
    """Every (table, column) holding the word in any stored value, JSON included, across
    every model (auto-created m2m tables too), except the sealed originals and the register
    (it keeps the names so that it can go on finding them)."""
    word, found = word.lower(), []
    for model in apps.get_models(include_auto_created=True):
        if model is SealedSource:
            continue
        for field in model._meta.concrete_fields:
            if model is DoNotIdentify and field.name == "term":
                continue
            values = model._default_manager.values_list(field.attname, flat=True)
            if any(word in json.dumps(v, default=str).lower() for v in values):
                found.append((model._meta.db_table, field.column))
    return found


def files_mentioning(word):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if word.lower() in p.name.lower()]


def public_urls(client, article, tag):
    """The article and every public page, feed and sitemap that lists it."""
    urls = [
        article.get_absolute_url(),
        "/",
        f"/{article.pub_date:%Y}/",
        article.section.get_absolute_url(),
        article.section.get_absolute_url() + "feed/",
        tag.get_absolute_url(),
        tag.get_absolute_url() + "feed/",
        tag.get_absolute_url() + "feed/atom/",
        "/feed/",
        "/feed/atom/",
        "/corrections/",
        "/corrections/feed/",
        "/sitemap.xml",
        "/sitemap-news.xml",
    ]
    index = client.get("/sitemap.xml").content.decode()
    urls += [loc.removeprefix("http://testserver") for loc in re.findall(r"<loc>([^<]+)", index)]
    return urls


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def named(admin_client, settings, tmp_path):
    """A live article naming Kerry Sandal in its headline, slug, tag, hero image file name,
    body, a comment, a correction and several revisions."""
    settings.MEDIA_ROOT = tmp_path / "media"
    tag = make_tag(name=f"{WHO} inquiry", slug="kerry-sandal-inquiry")
    article = make_article(
        headline=f"What happened to {WHO}",
        slug="kerry-sandal-review",
        body=f"{WHO} was seven.",
        section=make_section(name="Children"),
        tags=[tag],
    )
    article = edit(article, body=f"{WHO} was seven. Sandal's school saw nothing.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(
        admin_client.get(url),
        hero_image=SimpleUploadedFile("kerry-sandal-at-school.jpg", jpeg(), "image/jpeg"),
        hero_alt="A school gate",
        standfirst=f"The review into {WHO}'s death.",
    )
    assert admin_client.post(url, data).status_code == 302
    article = Article.objects.get()
    assert "kerry-sandal-at-school" in article.hero_image.name
    add_correction(SYSTEM, Correction(article=article, text=f"We misspelled {WHO}'s name."))
    make_comment(article, body=f"{WHO} deserved better.")
    assert article.revisions.count() >= 3
    return Article.objects.get(), Tag.objects.get()


def test_a_name_in_every_place_is_gone_from_rows_files_and_pages(
    admin_client, client, named, django_capture_on_commit_callbacks
):
    article, tag = named
    old_url, old_tag_url = article.get_absolute_url(), tag.get_absolute_url()
    before = {u: client.get(u) for u in public_urls(client, article, tag)}  # the caches fill
    page = before[old_url].content.decode()
    assert "kerry-sandal-at-school" in page and "application/ld+json" in page
    assert old_url in client.get("/search/?q=Sandal").content.decode()
    assert len(rows_mentioning("sandal")) >= 8 and files_mentioning("sandal")

    changelist = reverse("admin:articles_article_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            changelist,
            {
                "action": "redact_name",
                "_selected_action": [article.pk],
                "apply": "1",
                "names": f"{WHO}\nSandal\nKerry",
                "replacement": "the child",
            },
        )
    assert done.status_code == 302

    assert rows_mentioning("sandal") == []
    assert rows_mentioning("kerry") == []
    assert files_mentioning("sandal") == [] and files_mentioning("kerry") == []
    article, tag = Article.objects.get(), Tag.objects.get()
    assert article.hero_image and Path(article.hero_image.path).is_file()
    renditions = ImageRendition.objects.filter(source=article.hero_image.name)
    assert renditions.exists()
    assert all(Path(settings.MEDIA_ROOT, r.file.name).is_file() for r in renditions)
    assert client.get(old_url).status_code == 404
    assert client.get(old_tag_url).status_code == 404
    for url in public_urls(client, article, tag):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "sandal" not in response.content.decode().lower(), url
    # The search page repeats the query, but no longer finds the article by the name.
    for query in ("Sandal", "Kerry", "Sandal inquiry"):
        found = client.get("/search/", {"q": query}).content.decode()
        assert article.get_absolute_url() not in found and old_url not in found, query
    assert article.get_absolute_url() in client.get("/search/?q=child").content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "the child was seven" in page and NOTE in page
    assert 'property="og:image"' in page and "application/ld+json" in page


# What others share, and all or nothing ----------------------------------------------------


def test_a_callout_shared_with_another_article_is_forked_not_rewritten():
    from articles.models import Callout

    ours = make_article(headline="Inquest into Kerry Sandal's care")
    theirs = make_article(headline="An unrelated story")
    callout = Callout.objects.create(text="Did you know Kerry Sandal? Tell us.")
    ours.callouts.add(callout)
    theirs.callouts.add(callout)
    redact(SYSTEM, [ours], ["Kerry Sandal"], "[name removed]")
    callout.refresh_from_db()
    assert callout.text == "Did you know Kerry Sandal? Tell us."  # the other article's own
    assert list(theirs.callouts.all()) == [callout]
    [fork] = Article.objects.get(pk=ours.pk).callouts.all()
    assert fork != callout and fork.text == "Did you know [name removed]? Tell us."


def test_a_redaction_that_fails_on_one_article_changes_none(monkeypatch):
    from articles.actions import redaction

    first = make_article(headline="Kerry Sandal: the first report", body="Kerry Sandal spoke.")
    second = make_article(headline="Kerry Sandal: the second report")
    make_comment(first, body="I knew Kerry Sandal.")
    real = redaction._rewrite_comments

    def fail_on_the_second(article, substitute):
        if article.pk == second.pk:
            raise RuntimeError("the disk is full")
        return real(article, substitute)

    monkeypatch.setattr(redaction, "_rewrite_comments", fail_on_the_second)
    with pytest.raises(RuntimeError):
        redact(SYSTEM, [first, second], ["Kerry Sandal"], "[name removed]")
    first.refresh_from_db()
    assert first.headline == "Kerry Sandal: the first report" and "Kerry Sandal" in first.body
    assert Comment.objects.get().body == "I knew Kerry Sandal."
    assert not Correction.objects.filter(text=NOTE).exists()
    assert first.revisions.exists()
    assert all("Kerry Sandal" in r.data["headline"] for r in first.revisions.all())


def test_an_old_url_holding_the_name_stops_redirecting(client):
    from articles.models import ArticlePath

    article = make_article(headline="Kerry Sandal review", slug="kerry-sandal")
    old = article.get_absolute_url()
    article = edit(article, slug="kerry-sandal-review")
    assert client.get(old).status_code == 301  # an ordinary rename keeps its redirect
    redact(SYSTEM, [article], ["Kerry Sandal"], "[name removed]")
    assert client.get(old).status_code == 404
    assert not [p.path for p in ArticlePath.objects.all() if "sandal" in p.path]


def test_what_other_articles_share_is_refused_and_nothing_changes():
    from articles.models import Callout

    ours = make_article(headline="Kerry Sandal review", tags=[make_tag(name="Kerry Sandal")])
    other = make_article(headline="Another story", tags=list(ours.tags.all()))
    Callout.objects.create(text="Remembering Kerry Sandal", site_wide=True)
    with pytest.raises(Refused) as refused:
        redact(SYSTEM, [ours], ["Kerry Sandal"], "[name removed]")
    reasons = " ".join(refused.value.messages)
    assert "is on 1 other article(s)" in reasons and "site-wide callout" in reasons
    assert Article.objects.get(pk=ours.pk).headline == "Kerry Sandal review"
    assert list(Tag.objects.values_list("name", flat=True)) == ["Kerry Sandal"]
    assert Callout.objects.get().text == "Remembering Kerry Sandal"
    assert list(other.tags.values_list("name", flat=True)) == ["Kerry Sandal"]


def test_audit_details_lose_the_name():
    from articles.actions.articles import close_comments
    from articles.models import AuditEntry

    article = make_article(headline="Inquest opens")
    close_comments(SYSTEM, article, note="Kerry Sandal's family asked us to close them.")
    details = [json.dumps(e.detail) for e in AuditEntry.objects.filter(article=article)]
    assert any("Kerry Sandal" in d for d in details)  # the name really was in a detail
    redact(SYSTEM, [article], ["Kerry Sandal"], "[name removed]")
    details = [json.dumps(e.detail) for e in AuditEntry.objects.filter(article=article)]
    assert not any("Sandal" in d for d in details)
    assert any("[name removed]'s family" in d for d in details)
