"""backup / restore (alias export_content / import_content): a round trip reproduces every
row and every file; a restore trusts only a signed backup, and grants no rights or HTML."""

import hashlib
import hmac
import io
import json
import shutil
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from articles import backup as backups
from articles.actions import articles as article_actions
from articles.actions import notes as note_actions
from articles.actions import partners as partner_actions
from articles.actions.holds import apply_hold
from articles.api import registry
from articles.backup import content_models
from articles.models import (
    Article,
    AuditEntry,
    BlockedTerm,
    Callout,
    Correction,
    DeliveryAttempt,
    DoNotIdentify,
    FeedItem,
    FeedSubscription,
    Helpline,
    IdentificationSignOff,
    ImageRendition,
    LegalHold,
    Partner,
    PolicyPage,
    PreviewLink,
    ProblemReport,
    Republication,
    ReviewDecision,
    SealedSource,
    Section,
    SignOffLink,
    SiteSettings,
    SourceAlert,
    SourceSnapshot,
    SourceWatch,
    TrustOverride,
    WebhookDelivery,
    WebhookEndpoint,
    Workflow,
    WorkflowStep,
)
from tests.factories import (
    make_article,
    make_author,
    make_comment,
    make_section,
    make_staff,
    make_tag,
)
from tests.fresh_settings import settings_with

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
    republication = Republication.objects.create(
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
    SourceWatch.objects.create(republication=republication, etag='"v1"', last_status=200)
    SourceAlert.objects.create(
        article=first, kind="corrected", detail="A note ✓", snapshot=snapshot,
        correction_text="Corrected ✓", correction=correction, resolved_by=editor,
        resolved_at=timezone.now(),
    )  # fmt: skip
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
    feed = FeedSubscription.objects.create(
        name="Partner ✓", publisher="Partner", url="https://example.org/feed", etag='"v1"'
    )
    FeedItem.objects.create(subscription=feed, article=first, guid="p-1", content_hash="0" * 64)
    partner = Partner.objects.create(name="Harbour Gazette", contact_email="desk@h.example")
    partner_actions.issue_key(editor, partner)
    registry.count_delivery(partner, [first.pk])
    # Notes are private editorial data, kept like the register and the audit log.
    thread = note_actions.add(make_staff("zoë"), first, "Ask @édith: the sum ✓", paragraph=1)
    note_actions.reply(editor, thread, "Réponse.")
    note_actions.resolve(editor, thread)
    endpoint = WebhookEndpoint.objects.create(
        name="Partner", url="https://partner.example/hook", events=["article.corrected"]
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="article.corrected", article=first, message_id="msg_1",
        payload={"type": "article.corrected", "data": {"id": first.pk}},
    )  # fmt: skip
    DeliveryAttempt.objects.create(delivery=delivery, status_code=503, error="503 Busy")
    # Review: a workflow a section uses, a lawyer's link and the decision taken with it.
    workflow = Workflow.objects.create(name="Desk ✓")
    WorkflowStep.objects.create(workflow=workflow, position=1, name="Légal", kind="legal")
    Section.objects.update(workflow=workflow)
    link = SignOffLink.objects.create(
        article=second, step="Légal", recipient_name="Zoë Avocat", recipient_email="z@law.example",
        created_by=editor, expires_at=timezone.now() + timedelta(days=1), used_at=timezone.now(),
    )  # fmt: skip
    ReviewDecision.objects.create(
        article=second, step="Légal", kind="legal", outcome="approved", comment="D'accord ✓",
        link=link, digest="0" * 64, revision=1,
    )  # fmt: skip


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


def sign_again(backup):
    """Re-sign a changed backup with the site's key, as only a key holder could."""
    manifest = json.loads((backup / "manifest.json").read_text())
    for name in manifest["data"]:
        manifest["data"][name] = hashlib.sha256((backup / name).read_bytes()).hexdigest()
    data = json.dumps(manifest).encode()
    (backup / "manifest.json").write_bytes(data)
    (backup / "manifest.json.hmac").write_text(backups.signature(data))


def test_round_trip_reproduces_every_row_and_file(tmp_path, media):
    make_content(media)
    before, before_files = snapshot(), files(media)
    backup = tmp_path / "backup"
    out = io.StringIO()
    call_command("backup", str(backup), stdout=out)
    assert "Exported" in out.getvalue()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == set(before_files)
    assert "password" not in (backup / "users.json").read_text()

    wipe(media)
    call_command("restore", str(backup), "--keep-staff", stdout=io.StringIO())

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
    call_command("import_content", str(tmp_path / "b"), "--keep-staff", stdout=io.StringIO())
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
    call_command("import_content", str(tmp_path / "b"), "--keep-staff", stdout=io.StringIO())
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
    sign_again(backup)  # a backup broken at the source, not on the way
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
    sign_again(backup)
    wipe(media)
    with pytest.raises(CommandError, match="Refused file path"):
        call_command("import_content", str(backup))


def test_export_refuses_a_non_empty_folder(tmp_path, media):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_content", str(tmp_path / "b"))


def modes(root):
    return {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}


def test_backup_files_are_readable_by_their_owner_only(tmp_path, media):
    make_content(media)
    backup = tmp_path / "b"
    call_command("backup", str(backup), stdout=io.StringIO())
    found = modes(backup)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert {"manifest.json", "manifest.json.hmac", "users.json", "media/inline/a.png"} <= set(found)
    for name, mode in found.items():
        assert mode == (0o700 if (backup / name).is_dir() else 0o600), name


def test_the_manifest_is_signed_with_the_backup_key(tmp_path, media, settings):
    make_content(media)
    backup = tmp_path / "b"
    call_command("backup", str(backup), stdout=io.StringIO())
    data = (backup / "manifest.json").read_bytes()
    key = settings.STANDFIRST_BACKUP_KEY.encode()
    assert (backup / "manifest.json.hmac").read_text().strip() == hmac.new(
        key, data, hashlib.sha256
    ).hexdigest()
    assert settings.STANDFIRST_BACKUP_KEY not in "".join(
        p.read_text(errors="ignore") for p in backup.rglob("*") if p.is_file()
    )


def tampered(tmp_path, media, change):
    make_content(media)
    backup = tmp_path / "b"
    call_command("backup", str(backup), stdout=io.StringIO())
    wipe(media)
    change(backup)
    return backup


def raise_a_row_count(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["models"][0]["rows"] += 1
    (backup / "manifest.json").write_text(json.dumps(manifest, indent=1))


def plant_a_script(backup):
    """An attacker without the key edits a data file and its SHA-256 in the manifest."""
    path = backup / "data" / "articles.article.json"
    text = path.read_text()
    assert '"body_html": "' in text
    path.write_text(text.replace('"body_html": "', '"body_html": "<script>alert(1)</script>', 1))
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["data"]["data/articles.article.json"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (backup / "manifest.json").write_text(json.dumps(manifest, indent=1))


def edit_a_data_file(backup):
    path = backup / "data" / "articles.article.json"
    text = path.read_text()
    assert "Report" in text
    path.write_text(text.replace("Report", "Rumour", 1))


def drop_the_signature(backup):
    (backup / "manifest.json.hmac").unlink()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (raise_a_row_count, "signature does not match"),
        (plant_a_script, "signature does not match"),
        (drop_the_signature, "signature does not match"),
        (edit_a_data_file, "articles.article.json .*SHA-256"),
    ],
)
def test_a_tampered_backup_is_refused_and_nothing_is_written(tmp_path, media, change, message):
    backup = tampered(tmp_path, media, change)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(backup))
    assert [m.objects.count() for m in content_models()] == [0] * len(content_models())
    assert not User.objects.exists() and not media.exists()


def test_a_backup_made_with_another_key_is_refused(tmp_path, media, settings):
    make_content(media)
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    wipe(media)
    settings.STANDFIRST_BACKUP_KEY = (
        "another site's key, 64 characters long, more or less like this"
    )
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("restore", str(tmp_path / "b"))
    assert not Article.objects.exists()


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_no_backup_key_no_backup_or_restore(tmp_path, media, settings, command):
    settings.STANDFIRST_BACKUP_KEY = ""  # production's default
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "manifest.json").write_text(json.dumps({"format": backups.FORMAT}))
    with pytest.raises(CommandError, match="Set STANDFIRST_BACKUP_KEY"):
        call_command(command, str(tmp_path / ("c" if command == "backup" else "b")))
    assert not (tmp_path / "c").exists()


def test_users_come_back_without_rights_or_passwords_unless_asked(tmp_path, media):
    make_content(media)
    boss = User.objects.create_superuser("boss", "boss@example.org", "a long passphrase")
    make_article(headline="By the boss").audit_entries.create(actor=boss, action="corrected")
    call_command("backup", str(tmp_path / "b"), "--include-password-hashes", stdout=io.StringIO())
    wipe(media)
    call_command("restore", str(tmp_path / "b"), stdout=io.StringIO())
    restored = User.objects.get(username="boss")
    assert not restored.is_staff and not restored.is_superuser
    assert not restored.has_usable_password()
    assert not User.objects.filter(is_staff=True).exists()
    assert User.objects.filter(is_superuser=True).count() == 0


def test_keep_staff_restores_rights_and_passwords(tmp_path, media):
    make_content(media)
    boss = User.objects.create_superuser("boss", "boss@example.org", "a long passphrase")
    make_article(headline="By the boss").audit_entries.create(actor=boss, action="corrected")
    call_command("backup", str(tmp_path / "b"), "--include-password-hashes", stdout=io.StringIO())
    wipe(media)
    call_command("restore", str(tmp_path / "b"), "--keep-staff", stdout=io.StringIO())
    restored = User.objects.get(username="boss")
    assert restored.is_staff and restored.is_superuser
    assert restored.check_password("a long passphrase")


def plant(backup, label, field, value):
    path = backup / "data" / f"{label}.json"
    rows = json.loads(path.read_text())
    for row in rows:
        row["fields"][field] = value
    path.write_text(json.dumps(rows))


HOSTILE = '<p>Kept?</p><script>alert("backup")</script><img src=x onerror="alert(2)">'


def test_stored_html_is_rendered_again_from_its_source(tmp_path, media, client):
    make_content(media)
    backup = tmp_path / "b"
    call_command("backup", str(backup), stdout=io.StringIO())
    expected = {
        "article": dict(Article.objects.values_list("pk", "body_html")),
        "callout": dict(Callout.objects.values_list("pk", "text_html")),
        "policypage": dict(PolicyPage.objects.values_list("pk", "body_html")),
    }
    wipe(media)
    plant(backup, "articles.article", "body_html", HOSTILE)
    plant(backup, "articles.callout", "text_html", HOSTILE)
    plant(backup, "articles.policypage", "body_html", HOSTILE)
    sign_again(backup)  # even a correctly signed backup is not trusted with HTML
    call_command("restore", str(backup), stdout=io.StringIO())
    assert dict(Article.objects.values_list("pk", "body_html")) == expected["article"]
    assert dict(Callout.objects.values_list("pk", "text_html")) == expected["callout"]
    assert dict(PolicyPage.objects.values_list("pk", "body_html")) == expected["policypage"]
    page = client.get(Article.objects.published().first().get_absolute_url())
    assert page.status_code == 200
    assert b"alert(" not in page.content and b"Kept?" not in page.content


def test_every_stored_html_field_has_a_renderer():
    with_html = {
        m._meta.label_lower
        for m in content_models()
        if any(f.name.endswith("_html") for f in m._meta.concrete_fields)
    }
    assert with_html == set(backups.RENDERERS)


@pytest.mark.parametrize(
    ("alias", "name"), [("export_content", "backup"), ("import_content", "restore")]
)
def test_the_old_command_names_are_aliases(alias, name):
    from django.core.management import load_command_class

    old, new = load_command_class("articles", alias), load_command_class("articles", name)
    assert isinstance(old, type(new))


def test_production_has_no_backup_key_unless_given_and_local_derives_one(monkeypatch):
    production = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "p" * 60,
        "DJANGO_ALLOWED_HOSTS": "news.example.org",
    }
    monkeypatch.delenv("STANDFIRST_BACKUP_KEY", raising=False)
    assert settings_with(production, monkeypatch).STANDFIRST_BACKUP_KEY == ""
    given = settings_with({**production, "STANDFIRST_BACKUP_KEY": "k" * 64}, monkeypatch)
    assert given.STANDFIRST_BACKUP_KEY == "k" * 64
    monkeypatch.delenv("STANDFIRST_BACKUP_KEY")
    local = settings_with({"DJANGO_ENV": "local", "DJANGO_SECRET_KEY": "s" * 60}, monkeypatch)
    assert len(local.STANDFIRST_BACKUP_KEY) == 64 and "s" * 60 not in local.STANDFIRST_BACKUP_KEY
