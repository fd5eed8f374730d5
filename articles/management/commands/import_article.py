"""manage.py import_article FILE: bring a plain-text article into Standfirst.

A thin command over the intake action (articles.actions.intake), acting as the system
actor "import_article": every gate applies, and a refusal stores nothing. Run by an
operator, a re-import also updates an article already published (the admin's refuses).
"""

import dataclasses
from datetime import datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles import reviews
from articles.actions import Refused
from articles.actions.intake import import_record
from articles.actors import SystemActor
from articles.intake import ImportRefused, from_plaintext
from articles.models import Article
from articles.plaintext import decode

IMPORTER = SystemActor("import_article")


class Command(BaseCommand):
    help = "Import a plain-text article (headline, standfirst, body, promos, trailer)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="Publication that first published it.")
        parser.add_argument("--source-url", default="", help="URL of the original article.")
        parser.add_argument(
            "--licence",
            default="",
            help="CC BY, CC BY-ND, CC BY-NC-ND, 'written permission', or any other terms.",
        )
        parser.add_argument(
            "--published",
            default="",
            help="When the original was published: YYYY-MM-DD or an ISO 8601 date and time.",
        )
        parser.add_argument("--publish", action="store_true", help="Publish it now.")

    def handle(self, *args, file, source, source_url, licence, publish, published, **options):
        original_published_at = parse_original_date(published) if published else None
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            record = from_plaintext(decode(data))
            given = {
                "publisher": source,
                "original_url": source_url,
                "licence": licence,
                "original_published_at": original_published_at,
            }
            record = dataclasses.replace(record, **{k: v for k, v in given.items() if v})
            article, created = import_record(
                IMPORTER, record, publish=publish, replace_published=True
            )
        except ImportRefused as exc:
            raise CommandError(f"{file}: {exc} Nothing was imported.") from exc
        except Refused as exc:
            problems = " ".join(exc.messages)
            raise CommandError(f"{file}: {problems} Nothing was imported.") from exc
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"{file}: {problems}. Nothing was imported.") from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} article #{article.pk}: {article.headline}")
        self.stdout.write(
            f"  status: {article.get_status_display()}  url: {article.get_absolute_url()}"
        )
        if publish and article.status == Article.Status.DRAFT:
            for waiting in reviews.outstanding(article):
                self.stdout.write(f"  kept as a draft: {waiting}")
            self.stdout.write("  Open it in the admin to send it for review.")


def parse_original_date(value):
    """--published as an aware datetime (a bare date means midnight in the site's zone)."""
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)):
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"--published {value!r} is not a date (YYYY-MM-DD). Nothing was imported."
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
