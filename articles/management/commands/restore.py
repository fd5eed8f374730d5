"""manage.py restore DIR: restore a signed backup into an empty database."""

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from articles.backup import BackupError, import_content


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`, if its signature matches STANDFIRST_BACKUP_KEY. "
        "All or nothing; refuses existing content. Users come back without rights."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--keep-staff",
            action="store_true",
            help="Restore users' staff and superuser rights and any password hashes too.",
        )

    def handle(self, *args, folder, keep_staff, **options):
        try:
            manifest = import_content(folder, keep_staff=keep_staff)
        except (BackupError, DeserializationError, DatabaseError, OSError, ValueError) as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        rows = sum(m["rows"] for m in manifest["models"])
        self.stdout.write(f"Imported {rows} rows and {len(manifest['files'])} files from {folder}.")
