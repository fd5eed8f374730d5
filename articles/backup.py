"""Portable backups of the content: every row of the articles app as JSON, the users it
names (by user name), and every media file with its SHA-256.

Generic over the app's models, in dependency order, so models added later are included
without changes here. A bulk writer: a restore writes rows directly, not through the
newsroom actions, then rebuilds the search index and announces one site-wide change.
The folder layout:

    manifest.json            format, models in load order, row counts, files with SHA-256
    users.json               the users content rows point to (no password hashes unless asked)
    data/<app.model>.json    Django's JSON serialisation, user references by user name
    media/<path>             the files under MEDIA_ROOT, byte for byte
"""

import datetime
import hashlib
import json
import shutil
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from articles import planner
from articles.search import update_search_vectors
from articles.signals import Change, emit

FORMAT = "standfirst-content/1"
USER_FIELDS = [
    "username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser",
    "date_joined", "last_login",
]  # fmt: skip


class FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup folder or a database that cannot be used; the message says why."""


def content_models():
    """The articles app's models, each after the models its relations point to."""
    models = list(apps.get_app_config("articles").get_models())
    ordered, visiting = [], set()

    def visit(model):
        if model in ordered or model in visiting:
            return  # done, or a cycle (constraints are checked at commit, so order is moot)
        visiting.add(model)
        for field in model._meta.get_fields():
            # Forward relations only: foreign keys, one-to-ones and many-to-manys.
            if field.is_relation and not field.auto_created and field.related_model in models:
                visit(field.related_model)
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def referenced_users(models):
    """Users that content rows point to, through any relation to the user model."""
    User = get_user_model()
    ids = set()
    for model in models:
        for field in model._meta.get_fields():
            if field.related_model is User and (field.many_to_one or field.one_to_one):
                ids |= set(
                    model.objects.exclude(**{f"{field.name}__isnull": True}).values_list(
                        field.attname, flat=True
                    )
                )
            elif field.related_model is User and field.many_to_many and not field.auto_created:
                ids |= set(model.objects.values_list(field.name, flat=True)) - {None}
    return User.objects.filter(pk__in=ids).order_by("pk")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def export_content(folder, *, password_hashes=False):
    """Write the backup into folder (which must be empty or missing); return the manifest."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: export into a new folder.")
    (folder / "data").mkdir(parents=True, exist_ok=True)
    models = content_models()
    manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "models": []}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for all tables: an edit saved meanwhile is wholly in or out.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in models:
            label = model._meta.label_lower
            rows = model.objects.order_by("pk")
            with open(folder / "data" / f"{label}.json", "w", encoding="utf-8") as out:
                serializers.serialize(
                    "json",
                    rows,
                    stream=out,
                    indent=1,
                    use_natural_foreign_keys=True,
                    cls=FullPrecisionEncoder,
                )
            manifest["models"].append({"model": label, "rows": rows.count()})
        fields = USER_FIELDS + (["password"] if password_hashes else [])
        users = [
            {name: _json_value(getattr(user, name)) for name in fields}
            for user in referenced_users(models)
        ]
    (folder / "users.json").write_text(json.dumps(users, indent=1), encoding="utf-8")
    manifest["users"] = len(users)
    manifest["files"] = _copy_media(Path(settings.MEDIA_ROOT), folder / "media")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _copy_media(root, target):
    files = []
    if not root.exists():
        return files
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        files.append({"path": relative, "size": path.stat().st_size, "sha256": sha256(path)})
    return files


def import_content(folder):
    """Restore a backup into a database without content, all or nothing; return the manifest."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    media_root = Path(settings.MEDIA_ROOT)
    files = _checked_files(folder, manifest, media_root)
    models = content_models()
    known = {model._meta.label_lower: model for model in models}
    unknown = [m["model"] for m in manifest["models"] if m["model"] not in known]
    if unknown:
        raise BackupError(f"The backup has models this site lacks: {', '.join(unknown)}.")
    written = []
    try:
        with transaction.atomic():
            _refuse_existing_content(models)
            _restore_users(json.loads((folder / "users.json").read_text(encoding="utf-8")))
            for entry in manifest["models"]:
                with open(folder / "data" / f"{entry['model']}.json", encoding="utf-8") as data:
                    for obj in serializers.deserialize(
                        "json", data, handle_forward_references=True
                    ):
                        obj.save()
                        if obj.deferred_fields:
                            obj.save_deferred_fields()
            # Relations are checked now, not at commit: a dangling one refuses the import.
            connection.check_constraints()
            _reset_sequences(models)
            update_search_vectors(apps.get_model("articles", "Article").objects.all())
            emit(Change(verb="restored_from_backup", actor="import_content", site_wide=True))
            for source, destination in files:
                destination.parent.mkdir(parents=True, exist_ok=True)
                if not destination.exists():
                    shutil.copyfile(source, destination)
                    written.append(destination)
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    planner.analyze()  # the rows are committed: let PostgreSQL plan for them
    return manifest


def _read_manifest(folder):
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} has no readable manifest.json: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is not a {FORMAT} backup.")
    return manifest


def _checked_files(folder, manifest, media_root):
    """Every file's checksum before anything is written; (source, destination) pairs."""
    pairs = []
    for entry in manifest["files"]:
        relative = PurePosixPath(entry["path"])
        if relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"Refused file path {entry['path']!r} in the manifest.")
        source = folder / "media" / relative
        if not source.is_file() or sha256(source) != entry["sha256"]:
            raise BackupError(f"media/{relative} is missing or does not match its SHA-256.")
        destination = media_root / relative
        if destination.exists() and sha256(destination) != entry["sha256"]:
            raise BackupError(f"{destination} exists with other content; nothing was imported.")
        pairs.append((source, destination))
    return pairs


def _is_untouched_default(row):
    """A row the site made by itself (e.g. site settings on first view), never edited."""
    fresh = type(row)(pk=row.pk)
    return all(
        getattr(row, field.attname) == getattr(fresh, field.attname)
        for field in row._meta.concrete_fields
    )


def _refuse_existing_content(models):
    found = []
    for model in models:
        rows = list(model.objects.all()[:2])
        if len(rows) == 1 and _is_untouched_default(rows[0]):
            rows[0].delete()
        elif rows:
            found.append(f"{model.objects.count()} {model._meta.verbose_name_plural}")
    if found:
        raise BackupError(
            f"The database already has content ({', '.join(found)}). import_content restores "
            "into an empty database only. Nothing was imported."
        )


def _restore_users(users):
    """Create missing users; an existing user of the same name is kept as it is."""
    User = get_user_model()
    for fields in users:
        if User.objects.filter(username=fields["username"]).exists():
            continue
        user = User(**{k: v for k, v in fields.items() if k != "password"})
        if fields.get("password"):
            user.password = fields["password"]
        else:
            user.set_unusable_password()
        user.save()


def _reset_sequences(models):
    """Restored rows keep their ids; the next new row must not collide with them."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
