"""Write the published articles of a Standfirst database as JSON lines, for the Wagtail
baseline's loader (bench/wagtail_site/news/management/commands/load_articles.py).

    DATABASE_URL=... python bench/export_articles.py OUT.jsonl

A read-only Django script: the same articles, texts, bylines, tags and related links, so
both sites serve the same content. The body is Standfirst's rendered, sanitised HTML, which
a Wagtail RichTextField stores as it is."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

import django  # noqa: E402

django.setup()

from articles.models import Article  # noqa: E402


def rows():
    articles = (
        Article.objects.published()
        .select_related("section")
        .prefetch_related("tags", "byline_set__author", "related_links")
        .order_by("pk")
    )
    for article in articles.iterator(chunk_size=2000):
        section = article.section
        yield {
            "id": article.pk,
            "url": article.get_absolute_url(),
            "headline": article.headline,
            "slug": article.slug,
            "standfirst": article.standfirst,
            "body_html": article.body_html,
            "published_at": article.published_at.isoformat(),
            "section": [section.name, section.slug] if section else None,
            "tags": sorted([t.name, t.slug] for t in article.tags.all()),
            "authors": [
                [b.author.name, b.author.slug, b.author.role]
                for b in sorted(article.byline_set.all(), key=lambda b: b.position)
            ],
            "related": [
                r.target_id for r in sorted(article.related_links.all(), key=lambda r: r.position)
            ],
        }


def main(out):
    with open(out, "w") as stream:
        for row in rows():
            stream.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
