"""manage.py backup DIR: a signed, owner-only backup of all content and media files."""

from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, export_content


class Command(BaseCommand):
    help = (
        "Write every content row (JSON), the users it names, and the media files (from the "
        "configured storage) to DIR, readable by its owner only, with a signed manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A new or empty folder.")
        parser.add_argument(
            "--include-password-hashes",
            action="store_true",
            help="Also export the users' password hashes (keep such a backup secret).",
        )

    def handle(self, *args, folder, include_password_hashes, **options):
        try:
            manifest = export_content(folder, password_hashes=include_password_hashes)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(m["rows"] for m in manifest["models"])
        self.stdout.write(
            f"Exported {rows} rows of {len(manifest['models'])} models, "
            f"{manifest['users']} users and {len(manifest['files'])} files to {folder}."
        )
