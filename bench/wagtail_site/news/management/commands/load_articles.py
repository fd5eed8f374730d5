"""manage.py load_articles FILE.jsonl: the Standfirst bench articles as Wagtail pages.

A bulk loader, as a bench fixture: pages are written with their tree paths computed here
(treebeard's own scheme) instead of one add_child() per page, which at 10,000 pages would
take most of the run. Each article goes under its section's index page at
/<section slug>/<slug>-<Standfirst id>/ (unique among siblings, as Wagtail requires)."""

import json
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from taggit.models import Tag
from wagtail.models import Locale, Page, Site

from news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticlePageTag,
    ArticleRelated,
    Author,
    SectionPage,
)

BATCH = 2000


class Command(BaseCommand):
    help = "Load the articles exported by bench/export_articles.py into an empty site."

    def add_arguments(self, parser):
        parser.add_argument("file")

    @transaction.atomic
    def handle(self, *args, file, **options):
        home = Site.objects.get(is_default_site=True).root_page
        locale = Locale.get_default()
        content_type = ContentType.objects.get_for_model(ArticlePage)
        with open(file) as stream:
            rows = [json.loads(line) for line in stream]

        sections = {}
        for row in rows:
            name, slug = row["section"] or ["News", "news"]
            if slug not in sections:
                sections[slug] = home.add_child(
                    instance=SectionPage(title=name, slug=slug, show_in_menus=True)
                )
            row["section_slug"] = slug
        authors = {a[1]: a for row in rows for a in row["authors"]}
        author_ids = {
            a.slug: a.pk
            for a in Author.objects.bulk_create(
                Author(name=name, slug=slug, role=role) for name, slug, role in authors.values()
            )
        }
        tags = {t[1]: t for row in rows for t in row["tags"]}
        tag_ids = {
            t.slug: t.pk
            for t in Tag.objects.bulk_create(Tag(name=n, slug=s) for n, s in tags.values())
        }

        page_ids, children = {}, dict.fromkeys(sections, 0)
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            pages = []
            for row in batch:
                section = sections[row["section_slug"]]
                children[row["section_slug"]] += 1
                slug = f"{row['slug']}-{row['id']}"
                when = datetime.fromisoformat(row["published_at"])
                pages.append(
                    Page(
                        title=row["headline"],
                        draft_title=row["headline"],
                        slug=slug,
                        content_type=content_type,
                        locale=locale,
                        path=Page._get_path(
                            section.path, section.depth + 1, children[row["section_slug"]]
                        ),
                        depth=section.depth + 1,
                        numchild=0,
                        url_path=f"{section.url_path}{slug}/",
                        live=True,
                        first_published_at=when,
                        last_published_at=when,
                    )
                )
            for row, page in zip(batch, Page.objects.bulk_create(pages), strict=True):
                page_ids[row["id"]] = page.pk
                ArticlePage(
                    page_ptr=page,
                    standfirst=row["standfirst"],
                    body=row["body_html"],
                    date=datetime.fromisoformat(row["published_at"]),
                ).save_base(raw=True)
            ArticlePageTag.objects.bulk_create(
                ArticlePageTag(content_object_id=page_ids[row["id"]], tag_id=tag_ids[slug])
                for row in batch
                for _, slug in row["tags"]
            )
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(page_id=page_ids[row["id"]], author_id=author_ids[a[1]], sort_order=i)
                for row in batch
                for i, a in enumerate(row["authors"])
            )
            self.stderr.write(f"\r{start + len(batch)}/{len(rows)} pages", ending="")
        ArticleRelated.objects.bulk_create(
            (
                ArticleRelated(
                    page_id=page_ids[row["id"]], related_id=page_ids[target], sort_order=i
                )
                for row in rows
                for i, target in enumerate(row["related"])
                if target in page_ids
            ),
            batch_size=BATCH,
        )
        for slug, section in sections.items():
            Page.objects.filter(pk=section.pk).update(numchild=children[slug])
        self.stderr.write(f"\nLoaded {len(rows)} articles in {len(sections)} sections.")
