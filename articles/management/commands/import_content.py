"""manage.py import_content DIR: restore an export_content backup into an empty database."""

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from articles.backup import BackupError, import_content


class Command(BaseCommand):
    help = "Restore a backup made by export_content. All or nothing; refuses existing content."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        try:
            manifest = import_content(folder)
        except (BackupError, DeserializationError, DatabaseError, OSError, ValueError) as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        rows = sum(m["rows"] for m in manifest["models"])
        self.stdout.write(f"Imported {rows} rows and {len(manifest['files'])} files from {folder}.")
