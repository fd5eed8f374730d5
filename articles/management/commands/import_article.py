"""manage.py import_article FILE: bring a plain-text article into Standfirst."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.importer import ImportRefused, decode, import_article, parse


class Command(BaseCommand):
    help = "Import a plain-text article (headline, standfirst, body, promos, trailer)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="Publication that first published it.")
        parser.add_argument("--source-url", default="", help="URL of the original article.")
        parser.add_argument("--licence", default="", help="Licence or permission reference.")
        parser.add_argument("--publish", action="store_true", help="Publish it now.")

    def handle(self, *args, file, source, source_url, licence, publish, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            parsed = parse(decode(data))
            article, created = import_article(
                parsed, source_name=source, source_url=source_url, licence=licence, publish=publish
            )
        except ImportRefused as exc:
            raise CommandError(f"{file}: {exc} Nothing was imported.") from exc
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"{file}: {problems}. Nothing was imported.") from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} article #{article.pk}: {article.headline}")
        self.stdout.write(
            f"  status: {article.get_status_display()}  url: {article.get_absolute_url()}"
        )
