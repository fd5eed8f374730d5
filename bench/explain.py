"""Print the PostgreSQL plan of every query the public pages run, and flag sequential scans.

Run with the site's settings against a database filled by generate_demo:
    DATABASE_URL=postgres://... python bench/explain.py
Exit status 1 when a plan scans a large table (articles, links, bylines, comments) sequentially.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
os.environ["STANDFIRST_PAGE_CACHE"] = "off"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Author, Section, Tag  # noqa: E402

BIG_TABLES = re.compile(
    r"Seq Scan on (articles_article\w*|articles_byline|articles_related\w*|articles_comment\w*)"
)


def public_urls():
    article = Article.objects.published().order_by("-published_at")[100]
    tag = Tag.objects.order_by("id").first()
    return {
        "home": "/",
        "home page 5": "/?page=5",
        "section": Section.objects.order_by("id").first().get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "author": Author.objects.order_by("id").first().get_absolute_url(),
        "article": article.get_absolute_url(),
    }


def main():
    client, bad = Client(), 0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for name, url in public_urls().items():
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        print(f"== {name} {url} -> {status}, {len(queries)} queries")
        for query in queries:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            scans = BIG_TABLES.findall(plan)
            took = re.search(r"Execution Time: ([\d.]+)", plan).group(1)
            verdict = "SEQ SCAN " + ",".join(scans) if scans else "ok"
            print(f"  {took:>8} ms  {verdict:<30} {sql[:90]}")
            if scans or "-v" in sys.argv:
                print("    " + plan.replace("\n", "\n    "))
            bad += bool(scans)
    print("sequential scans over large tables:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
