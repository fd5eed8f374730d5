"""export_content / import_content: a round trip reproduces every row and every file."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from articles.actions import articles as article_actions
from articles.actions.holds import apply_hold
from articles.backup import content_models
from articles.models import (
    Article,
    AuditEntry,
    BlockedTerm,
    Callout,
    Correction,
    DoNotIdentify,
    Helpline,
    IdentificationSignOff,
    ImageRendition,
    LegalHold,
    PolicyPage,
    PreviewLink,
    ProblemReport,
    Republication,
    SealedSource,
    SiteSettings,
    SourceSnapshot,
    TrustOverride,
)
from tests.factories import (
    make_article,
    make_author,
    make_comment,
    make_section,
    make_staff,
    make_tag,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_content(media):
    """Every kind of row, Unicode and Markdown included, and media files in folders."""
    SiteSettings.objects.create(publication_name="Standfirst ✓", comments_auto_close_days=None)
    editor = make_staff("édith", first_name="Édith")
    author = make_author(name="Ann O’Writer", bio="Bio with **Markdown**", user=editor)
    tags = [make_tag(name="Care"), make_tag(name="العربية")]
    section = make_section(name="News")
    callout = Callout.objects.create(text="Take the *survey*", link_url="https://example.org/s")
    first = make_article(
        headline="Report \u202e with RTL", body="# H\n\n![x](/media/inline/a.png)\n\n😀",
        section=section, tags=tags, authors=[author],
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )  # fmt: skip
    first.callouts.add(callout)
    second = make_article(status=Article.Status.DRAFT, published_at=None, authors=[author])
    first.related_links.create(target=second, position=1)
    (media / "inline").mkdir(parents=True)
    (media / "inline" / "a.png").write_bytes(bytes(range(256)) * 40)
    (media / "nested" / "deeper").mkdir(parents=True)
    (media / "nested" / "deeper" / "b.bin").write_bytes(b"\x00\xff" * 1000)
    make_editorial_and_trust_rows(first, second, editor, tags[0])


def png(width=640, height=400):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def make_editorial_and_trust_rows(first, second, editor, tag):
    """A row of every other model of the app, made the way the site makes them."""
    reply_to = make_comment(first, name="Zoë", body="First, with <b>tags</b>.")
    make_comment(first, parent=reply_to, name="Ян", body="A reply.")
    BlockedTerm.objects.create(term="Casino", note="spam")
    # Article saves write revisions and audit entries; a new slug leaves an old path behind.
    first.hero_image = SimpleUploadedFile("hero.png", png(), content_type="image/png")
    first.hero_alt = "A teal square"
    article_actions.save(editor, first, expected_version=first.version, note="Hero added")
    first.slug = "report-renamed"
    article_actions.save(editor, first, expected_version=first.version)
    PreviewLink.objects.create(article=second, created_by=editor, note="Legal, Sam")
    AuditEntry.objects.create(article=first, actor=editor, action="corrected", detail={"n": 1})
    Republication.objects.create(
        article=first,
        publisher="Community Care",
        original_url="https://example.org/o",
        approved_by=editor,
        approved_at=timezone.now(),
    )
    snapshot = SourceSnapshot.objects.create(article=first, text="Original text, as received ✓")
    SealedSource.objects.create(snapshot=snapshot, text="Original text, as received ✓")
    TrustOverride.objects.create(
        article=first, rule="fidelity", accepted=["A change"], reason="Agreed", decided_by=editor
    )
    correction = Correction.objects.create(article=first, text="The sum was £4m, not £40m.")
    ProblemReport.objects.create(
        article=first, message="Wrong sum", email="r@example.org", correction=correction
    )
    apply_hold(editor, LegalHold(tag=tag, reason="Court order"))
    Helpline.objects.create(name="Samaritans", phone="116 123", url="https://www.samaritans.org")
    entry = DoNotIdentify.objects.create(article=first, term="Jo Bloggs", reason="anonymity")
    IdentificationSignOff.objects.create(entry=entry, reason="Named in court", signed_by=editor)
    PolicyPage.objects.create(
        title="Corrections", slug="corrections", kind="corrections", body="*x*"
    )


def snapshot():
    """Every row of every content model, and the users content points to."""
    rows = {
        model._meta.label: serializers.serialize(
            "python", model.objects.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in content_models()
    }
    users = list(
        User.objects.order_by("username").values(
            "username", "first_name", "email", "is_staff", "is_superuser", "date_joined"
        )
    )
    return rows, users


def files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def wipe(media):
    for model in reversed(content_models()):
        model.objects.all().delete()
    User.objects.all().delete()
    shutil.rmtree(media)


def test_round_trip_reproduces_every_row_and_file(tmp_path, media):
    make_content(media)
    before, before_files = snapshot(), files(media)
    backup = tmp_path / "backup"
    out = io.StringIO()
    call_command("export_content", str(backup), stdout=out)
    assert "Exported" in out.getvalue()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == set(before_files)
    assert "password" not in (backup / "users.json").read_text()

    wipe(media)
    call_command("import_content", str(backup), stdout=io.StringIO())

    after = snapshot()
    every_model = {m._meta.label for m in apps.get_app_config("articles").get_models()}
    assert {label for label, rows in before[0].items() if rows} == every_model
    for label in before[0]:
        assert after[0][label] == before[0][label], label
    assert after[1] == before[1]
    assert files(media) == before_files
    assert all(Path(r.file.path).is_file() for r in ImageRendition.objects.all())
    assert not User.objects.get(username="édith").has_usable_password()


def test_password_hashes_only_when_asked(tmp_path, media):
    make_content(media)
    password = User.objects.get(username="édith").password
    call_command(
        "export_content", str(tmp_path / "b"), "--include-password-hashes", stdout=io.StringIO()
    )
    wipe(media)
    call_command("import_content", str(tmp_path / "b"), stdout=io.StringIO())
    assert User.objects.get(username="édith").password == password


def test_new_rows_after_a_restore_do_not_collide(tmp_path, media):
    make_content(media)
    call_command("export_content", str(tmp_path / "b"), stdout=io.StringIO())
    highest = Article.objects.order_by("-pk").first().pk
    wipe(media)
    call_command("import_content", str(tmp_path / "b"), stdout=io.StringIO())
    assert make_article().pk > highest


def test_import_refuses_a_database_with_content(tmp_path, media):
    make_content(media)
    call_command("export_content", str(tmp_path / "b"), stdout=io.StringIO())
    before = snapshot()
    with pytest.raises(CommandError, match="already has content.*Nothing was imported"):
        call_command("import_content", str(tmp_path / "b"))
    assert snapshot() == before


def test_import_into_a_fresh_site_that_made_its_own_settings_row(tmp_path, media, client):
    make_content(media)
    call_command("export_content", str(tmp_path / "b"), stdout=io.StringIO())
    before = snapshot()
    wipe(media)
    client.get("/")  # the first page view creates the default site settings
    assert SiteSettings.objects.count() == 1
    call_command("import_content", str(tmp_path / "b"), stdout=io.StringIO())
    assert snapshot() == before


def test_a_tampered_file_is_refused_before_anything_is_written(tmp_path, media):
    make_content(media)
    backup = tmp_path / "b"
    call_command("export_content", str(backup), stdout=io.StringIO())
    wipe(media)
    (backup / "media" / "inline" / "a.png").write_bytes(b"tampered")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("import_content", str(backup))
    assert Article.objects.count() == 0 and not media.exists()


def test_a_broken_row_rolls_everything_back(tmp_path, media):
    make_content(media)
    backup = tmp_path / "b"
    call_command("export_content", str(backup), stdout=io.StringIO())
    wipe(media)
    byline_file = backup / "data" / "articles.byline.json"
    rows = json.loads(byline_file.read_text())
    rows[0]["fields"]["author"] = 999_999  # points at nothing
    byline_file.write_text(json.dumps(rows))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_content", str(backup))
    assert [m.objects.count() for m in content_models()] == [0] * len(content_models())
    assert not User.objects.exists()
    assert not media.exists() or not [p for p in Path(media).rglob("*") if p.is_file()]


@pytest.mark.parametrize("manifest", ["", "{}", '{"format": "other/1"}'])
def test_a_folder_that_is_not_a_backup_is_refused(tmp_path, manifest):
    (tmp_path / "manifest.json").write_text(manifest)
    with pytest.raises(CommandError, match="manifest|not a standfirst"):
        call_command("import_content", str(tmp_path))


def test_a_manifest_path_outside_media_is_refused(tmp_path, media):
    make_content(media)
    backup = tmp_path / "b"
    call_command("export_content", str(backup), stdout=io.StringIO())
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"][0]["path"] = "../../etc/passwd"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    wipe(media)
    with pytest.raises(CommandError, match="Refused file path"):
        call_command("import_content", str(backup))


def test_export_refuses_a_non_empty_folder(tmp_path, media):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_content", str(tmp_path / "b"))
