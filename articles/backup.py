"""Portable backups of the content: every row of the articles app as JSON, the users it
names (by user name), and every media file with its SHA-256.

Generic over the app's models, in dependency order, so models added later are included
without changes here. A bulk writer: a restore writes rows directly, not through the
newsroom actions, then re-renders every stored HTML from its source, rebuilds the search
index and announces one site-wide change. The folder layout:

    manifest.json            format, models in load order, row counts, every file's SHA-256
    manifest.json.hmac       HMAC-SHA256 of manifest.json's bytes, keyed by the backup key
    users.json               the users content rows point to (no password hashes unless asked)
    data/<app.model>.json    Django's JSON serialisation, user references by user name
    media/<name>             the files in the default storage (disk or bucket), byte for byte

A backup is trusted only as far as its signature: the key (STANDFIRST_BACKUP_KEY) is kept
outside it, the manifest names the SHA-256 of every other file, and a restore checks both
before it writes anything. Even then it grants no rights and no HTML of its own: users
come back without staff or superuser rights (and unable to log in) unless asked, and
HTML is rendered again through articles.markdown. Folders are 0700 and files 0600.
"""

import contextlib
import datetime
import hashlib
import hmac
import json
import os
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from articles import planner, uploads
from articles.markdown import render
from articles.search import update_search_vectors
from articles.signals import Change, emit

FORMAT = "standfirst-content/2"
USER_FIELDS = [
    "username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser",
    "date_joined", "last_login",
]  # fmt: skip
# Every stored HTML field, and how a restore renders it again from its source.
RENDERERS = {
    "articles.article": lambda article: {"body_html": article.render_body()},
    "articles.callout": lambda callout: {"text_html": render(callout.text)},
    "articles.policypage": lambda page: {"body_html": render(page.body)},
}


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


def backup_key():
    """The signing key, from settings (kept outside every backup); refused when empty."""
    key = settings.STANDFIRST_BACKUP_KEY
    if not key:
        raise BackupError(
            "Set STANDFIRST_BACKUP_KEY (a long random secret kept apart from the backups): "
            "backups are signed and checked with it."
        )
    return key.encode()


@contextlib.contextmanager
def _storage(doing):
    """A media storage that cannot be used (disk or bucket) stops the work with a message."""
    try:
        yield
    except uploads.STORAGE_ERRORS as exc:
        raise BackupError(f"The media storage failed while {doing}: {exc}.") from exc


def signature(data):
    return hmac.new(backup_key(), data, hashlib.sha256).hexdigest()


def sha256(file):
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _private_file(path, mode="w"):
    """Open a new file readable by its owner only (0600 from the start, whatever the umask)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    if "b" in mode:
        return os.fdopen(descriptor, mode)
    return os.fdopen(descriptor, mode, encoding="utf-8")


def _private_dir(path):
    """Make path and any missing parents inside the backup, each 0700."""
    for folder in [*reversed(path.parents), path]:
        if not folder.exists():
            folder.mkdir(mode=0o700)
            folder.chmod(0o700)  # mkdir's mode is cut by the umask


def export_content(folder, *, password_hashes=False):
    """Write the backup into folder (which must be empty or missing); return the manifest."""
    folder = Path(folder)
    backup_key()  # refuse before writing anything
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: export into a new folder.")
    _private_dir(folder)
    folder.chmod(0o700)  # also a folder that was there, empty
    _private_dir(folder / "data")
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
            with _private_file(folder / "data" / f"{label}.json") as out:
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
    with _private_file(folder / "users.json") as out:
        json.dump(users, out, indent=1)
    manifest["users"] = len(users)
    manifest["data"] = {
        name: _file_sha256(folder / name)
        for name in ["users.json", *(f"data/{m['model']}.json" for m in manifest["models"])]
    }
    with _storage("copying the media files (this backup is incomplete: delete it)"):
        manifest["files"] = _copy_media(folder / "media")
    data = json.dumps(manifest, indent=1).encode()
    with _private_file(folder / "manifest.json", "wb") as out:
        out.write(data)
    with _private_file(folder / "manifest.json.hmac") as out:
        out.write(signature(data) + "\n")
    return manifest


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _file_sha256(path):
    with open(path, "rb") as file:
        return sha256(file)


def stored_names(storage, folder=""):
    """Every file name in a storage (disk or bucket), through its own listing."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []  # local disk before the first upload
    prefix = f"{folder}/" if folder else ""
    names = [prefix + name for name in files]
    for sub in folders:
        names += stored_names(storage, prefix + sub)
    return sorted(names)


def _copy_media(target):
    """Copy every stored file into target, from whichever storage is configured."""
    files = []
    for name in stored_names(default_storage):
        destination = target / name
        _private_dir(destination.parent)
        digest = hashlib.sha256()
        size = 0
        with default_storage.open(name, "rb") as source, _private_file(destination, "wb") as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        files.append({"path": name, "size": size, "sha256": digest.hexdigest()})
    return files


def import_content(folder, *, keep_staff=False):
    """Restore a signed backup into a database without content, all or nothing; return the
    manifest. Users lose staff and superuser rights and passwords unless keep_staff."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    _check_data(folder, manifest)
    with _storage("checking the media files"):
        files = _checked_files(folder, manifest)
    models = content_models()
    known = {model._meta.label_lower: model for model in models}
    unknown = [m["model"] for m in manifest["models"] if m["model"] not in known]
    if unknown:
        raise BackupError(f"The backup has models this site lacks: {', '.join(unknown)}.")
    _refuse_unrenderable(models)
    found = _existing_content(models)
    if found:
        raise _has_content(found)
    # Files first, outside the transaction (no storage I/O while rows are locked); a failed
    # restore removes the ones it wrote.
    written = []
    try:
        with _storage("writing the media files"):
            for source, name in files:
                with open(source, "rb") as content:
                    stored = default_storage.save(name, File(content, name=name))
                written.append(stored)
                if stored != name:
                    raise BackupError(f"{name} appeared in the storage during the restore.")
        with transaction.atomic():
            _refuse_existing_content(models)
            _restore_users(
                json.loads((folder / "users.json").read_text(encoding="utf-8")), keep_staff
            )
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
            _render_again(known)
            update_search_vectors(apps.get_model("articles", "Article").objects.all())
            emit(Change(verb="restored_from_backup", actor="import_content", site_wide=True))
    except Exception:
        uploads.remove_quietly(written)
        raise
    planner.analyze()  # the rows are committed: let PostgreSQL plan for them
    return manifest


def _read_manifest(folder):
    """The manifest, only if its signature matches the backup key."""
    try:
        data = (folder / "manifest.json").read_bytes()
        manifest = json.loads(data)
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} has no readable manifest.json: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is not a {FORMAT} backup.")
    try:
        signed = (folder / "manifest.json.hmac").read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        signed = ""
    if not hmac.compare_digest(signed, signature(data)):
        raise BackupError(
            "The manifest's signature does not match this site's STANDFIRST_BACKUP_KEY: the "
            "backup was changed, or made with another key."
        )
    return manifest


def _check_data(folder, manifest):
    """users.json and every data file match the SHA-256 the signed manifest gives them."""
    expected = {"users.json", *(f"data/{m['model']}.json" for m in manifest["models"])}
    if set(manifest["data"]) != expected:
        raise BackupError("The manifest's list of data files does not match its models.")
    for name, digest in manifest["data"].items():
        path = folder / name
        if not path.is_file() or _file_sha256(path) != digest:
            raise BackupError(f"{name} is missing or does not match its SHA-256.")


def _checked_files(folder, manifest):
    """Every file's checksum before anything is written; (source, name) pairs to store."""
    pairs = []
    for entry in manifest["files"]:
        relative = PurePosixPath(entry["path"])
        if relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"Refused file path {entry['path']!r} in the manifest.")
        source = folder / "media" / relative
        if not source.is_file() or _file_sha256(source) != entry["sha256"]:
            raise BackupError(f"media/{relative} is missing or does not match its SHA-256.")
        name = str(relative)
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as present:
                if sha256(present) != entry["sha256"]:
                    raise BackupError(f"{name} exists in the storage with other content.")
            continue  # already there, byte for byte
        pairs.append((source, name))
    return pairs


def _html_fields(model):
    return [f.name for f in model._meta.concrete_fields if f.name.endswith("_html")]


def _refuse_unrenderable(models):
    """A stored HTML field with no renderer here would be restored as the backup has it."""
    missing = [m._meta.label_lower for m in models if _html_fields(m)]
    missing = [label for label in missing if label not in RENDERERS]
    if missing:
        raise BackupError(f"No way to render the HTML of {', '.join(missing)} again.")


def _render_again(models):
    """Replace every stored HTML with a fresh render of its source (sanitised on the way)."""
    for label, rerender in RENDERERS.items():
        model = models[label]
        for row in model.objects.order_by("pk").iterator():
            model.objects.filter(pk=row.pk).update(**rerender(row))


def _is_untouched_default(row):
    """A row the site made by itself (e.g. site settings on first view), never edited."""
    fresh = type(row)(pk=row.pk)
    return all(
        getattr(row, field.attname) == getattr(fresh, field.attname)
        for field in row._meta.concrete_fields
    )


def _existing_content(models):
    """What content the database has, apart from rows the site made by itself."""
    found = []
    for model in models:
        rows = list(model.objects.all()[:2])
        if rows and not (len(rows) == 1 and _is_untouched_default(rows[0])):
            found.append(f"{model.objects.count()} {model._meta.verbose_name_plural}")
    return found


def _has_content(found):
    return BackupError(
        f"The database already has content ({', '.join(found)}). A restore goes into an "
        "empty database only. Nothing was imported."
    )


def _refuse_existing_content(models):
    """Inside the restore's transaction: check again, and drop the site's own default rows."""
    found = _existing_content(models)
    if found:
        raise _has_content(found)
    for model in models:
        model.objects.all().delete()


def _restore_users(users, keep_staff):
    """Create missing users; an existing user of the same name is kept as it is.

    A backup grants no access by itself: unless keep_staff, a restored user has no staff
    or superuser rights and no usable password (an administrator gives them back).
    """
    User = get_user_model()
    for fields in users:
        if User.objects.filter(username=fields["username"]).exists():
            continue
        user = User(**{k: v for k, v in fields.items() if k != "password"})
        if keep_staff and fields.get("password"):
            user.password = fields["password"]
        else:
            user.set_unusable_password()
        if not keep_staff:
            user.is_staff = user.is_superuser = False
        user.save()


def _reset_sequences(models):
    """Restored rows keep their ids; the next new row must not collide with them."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
