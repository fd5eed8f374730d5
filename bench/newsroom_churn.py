"""The newsroom at work during a benchmark: publish, approve, remove, at a steady rate.

    DATABASE_URL=... python bench/newsroom_churn.py --rate 1 --seconds 30 --zipf 1.0

A Django script against the bench database, with the production settings bench/run.py
gives it. Every change goes through articles.actions as a staff user (the real code paths:
role checks, gates, revisions, audit, the change event, the page cache's invalidation and
the worker's tasks), in turn: publish a draft (made before the clock starts), approve a
pending comment, remove an approved one. Comments are picked on articles drawn by the
readers' popularity law, so moderation lands where readers are. At the end the articles it
made are deleted (through the action too), so the bench database keeps its size. Prints a
JSON line when the clock starts, then one with the actions done per verb, the refusals, and
the mean and worst time an action took."""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

import django  # noqa: E402

django.setup()

import popularity  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.actions import articles as article_actions  # noqa: E402
from articles.actions import comments as comment_actions  # noqa: E402
from articles.actions.base import Refused  # noqa: E402
from articles.models import Article, Comment, Section  # noqa: E402

EDITOR = "bench-newsroom"
PENDING, APPROVED, REMOVED = Comment.Status.PENDING, Comment.Status.APPROVED, Comment.Status.REMOVED


def staff_user():
    """A bench fixture: the staff account the newsroom acts as (a superuser: every role)."""
    user, _ = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def drafts(actor, count):
    section = Section.objects.order_by("position", "id").first()
    stamp = int(time.time())
    return [
        article_actions.save(
            actor,
            Article(
                headline=f"Newsroom churn {stamp} number {n}",
                standfirst="A story the benchmark's newsroom publishes while readers read.",
                body="The council said on Tuesday that the review would be published.",
                section=section,
            ),
            expected_version=None,
        )
        for n in range(count)
    ]


def comment_on(article_ids, pick, status):
    """A comment with `status` on an article drawn by popularity (a few tries)."""
    for _ in range(20):
        found = Comment.objects.filter(article_id=article_ids[pick()], status=status).first()
        if found:
            return found
    found = Comment.objects.filter(article_id__in=article_ids[:200], status=status).first()
    if found is None:
        raise Refused(f"no {status} comment left on the popular articles")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1.0, help="actions per second")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--zipf", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    actor = staff_user()
    ids = list(popularity.reader_ranking(Article).values_list("pk", flat=True))
    pick = popularity.picker(len(ids), args.zipf, args.seed)
    actions = int(args.rate * args.seconds) + 1
    made = drafts(actor, actions // 3 + 1)
    waiting = list(made)

    def publish():
        article_actions.publish(actor, waiting.pop())

    def approve():
        comment = comment_on(ids, pick, PENDING)
        comment_actions.moderate(actor, Comment.objects.filter(pk=comment.pk), APPROVED)

    def remove():
        comment = comment_on(ids, pick, APPROVED)
        comment_actions.moderate(actor, Comment.objects.filter(pk=comment.pk), REMOVED)

    verbs = [("published", publish), ("approved", approve), ("removed", remove)]
    done, refused, took = {name: 0 for name, _ in verbs}, [], []
    print(json.dumps({"ready": timezone.now().isoformat()}), flush=True)
    start = time.monotonic()
    for n in range(actions):
        due = start + n / args.rate
        if due > start + args.seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        name, verb = verbs[n % len(verbs)]
        began = time.monotonic()
        try:
            verb()
        except Refused as error:
            refused.append(f"{name}: {error}")
        else:
            done[name] += 1
        took.append(time.monotonic() - began)
    for article in made:  # the bench database keeps its size from run to run
        article_actions.delete(actor, article)
    print(
        json.dumps(
            {
                "actions": done,
                "refused": refused[:10],
                "seconds": round(time.monotonic() - start, 1),
                "mean_action_ms": round(1000 * sum(took) / max(len(took), 1), 1),
                "max_action_ms": round(1000 * max(took, default=0), 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
