"""manage.py generate_demo --articles N [--comments M] [--seed S]: a realistic site at scale.

Sections, tags, authors, callouts and N articles with bylines, tags and related links, made
with bulk_create in batches (100,000 articles take a few minutes on PostgreSQL). The same
seed gives the same content; publication times count back from now, so the site looks
current. A bulk writer: it writes rows directly, not through the newsroom actions, so it
re-runs the derivations itself (each distinct body is rendered once through
articles.markdown.render() and its HTML reused; the search index is rebuilt at the end)
and announces one site-wide change.
"""

import random
import sys
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import planner
from articles.actions.base import changed
from articles.actors import SystemActor
from articles.markdown import render
from articles.models import (
    Article,
    Author,
    Byline,
    Callout,
    Comment,
    RelatedArticle,
    Republication,
    Section,
    SiteSettings,
    Tag,
)
from articles.search import update_search_vectors

GENERATOR = SystemActor("generate_demo")


def words(text):
    return text.split()


SECTIONS = [
    "News",
    "Children's services",
    "Adult care",
    "Mental health",
    "Workforce",
    "Policy",
    "Investigations",
    "Opinion",
]
TOPICS = words(
    "safeguarding serious case review child protection foster care adoption leaving care "
    "youth justice social work pay caseloads recruitment agency staff inspections Ofsted "
    "care homes domiciliary care dementia carers funding council budgets commissioning "
    "mental capacity deprivation of liberty homelessness housing benefits disability "
    "autism learning disabilities domestic abuse refugees asylum court of protection "
    "legal aid whistleblowing regulation training apprenticeships wellbeing burnout NHS "
    "integration hospital discharge public health data protection freedom of information "
)
FIRST_NAMES = words(
    "Amira Ben Chloe Dev Elena Farid Grace Hamish Imogen Jonah Kavita Liam Maya Niall Olu "
    "Priya Quentin Rosa Sanjay Tess Uma Viktor Wen Yusuf Zara "
)
LAST_NAMES = words(
    "Adeyemi Brennan Chaudhry Doyle Evans Fraser Gupta Hughes Iqbal Jones Kowalski Lewis "
    "Morgan Nwosu O'Neill Patel Quinn Reid Singh Thomas Umar Vance Walsh Yates Zielinski "
)
ROLES = ["Reporter", "Senior reporter", "Community editor", "Data journalist", "Contributor"]
VERBS = words("warns finds reveals says calls for questions faces rejects backs delays ")
SUBJECTS = words(
    "council review inspectors charity minister report survey court watchdog union "
    "families commissioner tribunal committee "
)
WORDS = words(
    "the council said its social workers had been carrying high caseloads for months "
    "while managers struggled to recruit and retain experienced staff across the county "
    "the review found that information was not shared between agencies and that "
    "opportunities to intervene were missed families told inspectors they had waited "
    "weeks for assessments and that support was withdrawn without explanation a "
    "spokesperson said lessons would be learned and that new procedures were already in "
    "place the charity called for urgent investment in early help services and warned "
    "that budgets remained under severe strain "
)
BODY_VARIANTS = 64
NOW_WINDOW_DAYS = 3650


def progress(label, done, total, started):
    """One self-rewriting line on stderr: no dependency, readable in a log file too."""
    width = 30
    filled = width * done // max(total, 1)
    elapsed = time.monotonic() - started
    sys.stderr.write(
        f"\r{label:<10} [{'#' * filled}{' ' * (width - filled)}] {done:>8}/{total} "
        f"{100 * done // max(total, 1):>3}% {elapsed:6.1f}s"
    )
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class Command(BaseCommand):
    help = "Fill an empty site with realistic demo content at scale, reproducibly from a seed."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--comments", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, articles, comments, seed, batch_size, **options):
        if articles < 1 or comments < 0 or batch_size < 1:
            raise CommandError("--articles and --batch-size must be positive, --comments >= 0.")
        if Article.objects.exists():
            raise CommandError("generate_demo fills an empty site; this one has articles.")
        rng = random.Random(seed)  # noqa: S311 - demo content, not secrets
        with transaction.atomic():
            SiteSettings.load()
            sections, tags, authors, callouts = self.make_taxonomy(rng)
        ids = self.make_articles(rng, articles, batch_size, sections, tags, authors, callouts)
        if comments:
            generate_comments(rng, ids, comments, batch_size)
        update_search_vectors(Article.objects.all())
        planner.analyze()
        changed("generated", GENERATOR, site_wide=True)
        self.stdout.write(f"Generated {articles} articles and {comments} comments (seed {seed}).")

    def make_taxonomy(self, rng):
        sections = Section.objects.bulk_create(
            Section(name=name, slug=slugify(name), position=i, description=f"{name} coverage.")
            for i, name in enumerate(SECTIONS)
        )
        names = sorted(set(TOPICS))
        tags = Tag.objects.bulk_create(Tag(name=n.capitalize(), slug=slugify(n)) for n in names)
        people = sorted({f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(60)})
        authors = Author.objects.bulk_create(
            Author(name=n, slug=slugify(n), role=rng.choice(ROLES), bio=f"{n} writes for us.")
            for n in people
        )
        callouts = [
            Callout.objects.create(text=f"We are running a survey on **{topic}**. Tell us more.")
            for topic in rng.sample(names, 5)
        ]
        return sections, tags, authors, callouts

    def make_articles(self, rng, total, batch_size, sections, tags, authors, callouts):
        bodies = [make_body(rng) for _ in range(BODY_VARIANTS)]
        rendered = [(body, render(body)) for body in bodies]
        now = timezone.now()
        # Newest first in time, spread over ten years at most (about 27 a day at 100,000).
        spacing = timedelta(days=min(NOW_WINDOW_DAYS, max(total // 27, 1))) / total
        started, ids = time.monotonic(), []
        for start in range(0, total, batch_size):
            batch = []
            for n in range(start, min(start + batch_size, total)):
                batch.append(make_article(rng, n, now - spacing * (n + 1), rendered, sections))
            with transaction.atomic():
                created = Article.objects.bulk_create(batch)
                self.link(rng, created, ids, tags, authors, callouts)
            ids.extend(article.pk for article in created)
            progress("articles", len(ids), total, started)
        return ids

    def link(self, rng, created, earlier_ids, tags, authors, callouts):
        tag_links, bylines, related, callout_links, records = [], [], [], [], []
        Tags, Callouts = Article.tags.through, Article.callouts.through
        for article in created:
            for tag in rng.sample(tags, rng.randint(1, 4)):
                tag_links.append(Tags(article_id=article.pk, tag_id=tag.pk))
            for position, author in enumerate(rng.sample(authors, rng.choice((1, 1, 1, 2, 3)))):
                bylines.append(Byline(article=article, author=author, position=position))
            pool = earlier_ids[-500:]
            for position, target in enumerate(rng.sample(pool, min(len(pool), rng.randint(0, 3)))):
                related.append(RelatedArticle(article=article, target_id=target, position=position))
            if rng.random() < 0.1:
                callout_links.append(Callouts(article_id=article.pk, callout=rng.choice(callouts)))
            if article.republished:
                records.append(Republication(article=article, publisher="Community Care"))
        Tags.objects.bulk_create(tag_links)
        Republication.objects.bulk_create(records)
        Byline.objects.bulk_create(bylines)
        RelatedArticle.objects.bulk_create(related)
        Callouts.objects.bulk_create(callout_links)


def sentence(rng, low=12, high=28):
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def make_body(rng):
    """About 600 to 900 words of Markdown: paragraphs, a quotation, a subheading, a list."""
    parts = []
    for i in range(rng.randint(9, 14)):
        parts.append(" ".join(sentence(rng) for _ in range(rng.randint(2, 4))))
        if i == 3:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            parts.append(f"> \u201c{sentence(rng)}\u201d said {name}.")
        if i == 6:
            parts.append(f"## {sentence(rng, 3, 6)[:-1]}")
            parts.append("\n".join(f"- {sentence(rng, 5, 10)}" for _ in range(3)))
    return "\n\n".join(parts)


def make_article(rng, n, published_at, rendered, sections):
    headline = (
        f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} "
        f"{' '.join(rng.sample(TOPICS, 3))} {rng.choice(WORDS)} {rng.choice(WORDS)}"
    )
    body, body_html = rng.choice(rendered)
    roll = rng.random()
    status = Article.Status.DRAFT if roll < 0.01 else Article.Status.PUBLISHED
    article = Article(
        headline=headline,
        slug=f"{slugify(headline)[:180]}-{n}",
        kicker=rng.choice(("", "", "", "Exclusive", "Analysis", "Update")),
        standfirst=sentence(rng, 20, 35),
        body=body,
        body_html=body_html,
        section=rng.choice(sections),
        status=status,
        published_at=published_at,
        pub_date=timezone.localdate(published_at),
        expires_at=None,
        featured=rng.random() < 0.01,
        comments_closed=rng.random() < 0.2,
        seo_description="",
    )
    article.republished = roll > 0.9  # given its republication record in link()
    return article


COMMENT_OPENINGS = [
    "This matches what we see on the ground.",
    "As a social worker in a busy team, I recognise every word of this.",
    "The review says the right things, but who will fund the changes?",
    "Thank you for reporting this carefully.",
    "Caseloads like these make real enquiries impossible.",
    "I worked in a neighbouring authority and the same pressures were there.",
]


def generate_comments(rng, article_ids, total, batch_size):
    """Reader comments spread over the articles: mostly approved, some pending or spam, a
    few replies; bulk_create in batches, so a million take minutes, not hours."""
    statuses = [Comment.Status.APPROVED] * 8 + [Comment.Status.PENDING, Comment.Status.SPAM]
    now = timezone.now()
    started = time.monotonic()
    made = 0
    while made < total:
        batch = []
        for n in range(made, min(made + batch_size, total)):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            batch.append(
                Comment(
                    article_id=rng.choice(article_ids),
                    name=name,
                    email=f"reader{n}@example.net",
                    body=f"{rng.choice(COMMENT_OPENINGS)} {sentence(rng)}",
                    status=rng.choice(statuses),
                    created_at=now - timedelta(minutes=rng.randrange(1, 60 * 24 * 365)),
                    ip_hash=f"{n:064x}",
                )
            )
        with transaction.atomic():
            Comment.objects.bulk_create(batch)
        made += len(batch)
        progress("comments", made, total, started)
