"""A redaction at the edge: how soon Varnish stops serving the name, and that it never
serves the old copy while the origin is down.

    python bench/redaction_edge.py timing  --varnish http://127.0.0.1:18010
    python bench/redaction_edge.py prepare --varnish http://127.0.0.1:18010
    python bench/redaction_edge.py check   --varnish ... --url U --name N --article A

A Django script against the bench database (bench/run.py gives it the production settings,
with STANDFIRST_EDGE_PURGE=varnish), run while the worker (manage.py db_worker) runs.
Each phase prints one JSON line.
- timing: publishes an article naming a made-up person (through articles.actions, as a
  staff user), warms it in Varnish, redacts the name through the redaction action, and
  polls Varnish every few milliseconds until the page no longer holds the name: the time
  from the redaction's commit to the name's absence.
- prepare: the same up to the redaction, then waits for the worker's hard purge to be
  recorded ("purged at the edge") and asks Varnish nothing more; bench/run.py then stops
  the origin.
- check: one request through Varnish with the origin down: an error page, never the copy
  holding the name.
timing and check delete the article they made (through the action), so the bench database
keeps its size.
"""

import argparse
import json
import os
import random
import string
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from newsroom_churn import staff_user  # noqa: E402

from articles.actions import articles as article_actions  # noqa: E402
from articles.actions.redaction import redact  # noqa: E402
from articles.models import Article, AuditEntry, Section  # noqa: E402

POLL_SECONDS = 0.005
GIVE_UP_SECONDS = 30


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.headers.get("X-Cache", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache", ""), error.read()


def published_with_a_name(actor):
    surname = "".join(random.choices(string.ascii_lowercase, k=8)).title()  # noqa: S311
    name = f"Perpetua {surname}"
    article = article_actions.save(
        actor,
        Article(
            headline=f"Review of a care placement, case {surname[:3]}",
            standfirst=f"{name}, 34, told the review she had not been consulted.",
            body=f"The review heard from {name} and her family.\n\nThe council apologised.",
            section=Section.objects.order_by("position", "id").first(),
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(minutes=1),
        ),
        expected_version=None,
    )
    return article, name


def warm(varnish, article, name):
    url = varnish + article.get_absolute_url()
    for _ in range(50):
        status, cache, body = get(url)
        if status == 200 and cache == "HIT" and name.encode() in body:
            return url
        time.sleep(0.1)
    raise SystemExit(f"{url} never became a Varnish hit holding the name")


def redacted(actor, article, name):
    """Redact, and return the monotonic time of the commit (the first on-commit hook)."""
    committed = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.monotonic()))
        redact(actor, [article], [name], "a resident")
    return committed[0]


def timing(varnish):
    actor = staff_user()
    article, name = published_with_a_name(actor)
    url = warm(varnish, article, name)
    committed = redacted(actor, article, name)
    polls = 0
    while time.monotonic() - committed < GIVE_UP_SECONDS:
        polls += 1
        status, cache, body = get(url)
        if name.encode() not in body:
            gone = time.monotonic()
            break
        time.sleep(POLL_SECONDS)
    else:
        gone = None
    article_actions.delete(actor, Article.objects.get(pk=article.pk))
    if gone is None:
        return {"absent_ms": None, "polls": polls}
    return {
        "absent_ms": round(1000 * (gone - committed), 1),
        "polls": polls,
        "status": status,
        "x_cache": cache,
    }


def prepare(varnish):
    actor = staff_user()
    article, name = published_with_a_name(actor)
    url = warm(varnish, article, name)
    redacted(actor, article, name)
    deadline = time.monotonic() + GIVE_UP_SECONDS
    purges = AuditEntry.objects.filter(article=article, action=AuditEntry.Action.EDGE_PURGED)
    while not purges.filter(detail__hard=True).exists():
        if time.monotonic() > deadline:
            raise SystemExit("The worker recorded no hard purge within 30 s")
        time.sleep(0.05)
    return {"url": url, "name": name, "article": article.pk}


def check(url, name, article_id):
    status, cache, body = get(url)
    article_actions.delete(staff_user(), Article.objects.get(pk=article_id))  # keeps its size
    return {"status": status, "x_cache": cache, "name_served": name.encode() in body}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["timing", "prepare", "check"])
    parser.add_argument("--varnish", required=True, help="Varnish's base URL")
    parser.add_argument("--url", help="check: the page prepare warmed")
    parser.add_argument("--name", help="check: the name prepare redacted")
    parser.add_argument("--article", type=int, help="check: the article prepare made")
    args = parser.parse_args()
    varnish = args.varnish.rstrip("/")
    if args.phase == "timing":
        result = timing(varnish)
    elif args.phase == "prepare":
        result = prepare(varnish)
    else:
        result = check(args.url, args.name, args.article)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
