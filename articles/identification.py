"""Identification safeguards: find do-not-identify terms in what the public sees of an article.

Matching is articles.names' (whole words, any case, accents folded), the same as
redaction's. The places scanned are TEXT_SOURCES: the article's own text and file fields,
the images in its body, its tags, the callouts shown with it, its corrections and its
approved comments. A comment waiting for moderation is not public: it is scanned when a
moderator approves it (articles.actions.comments), not with the article.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch

from articles.models import Article, Callout, Comment
from articles.names import file_words, name_pattern

# Callables taking an article and yielding (where, text) pairs.
TEXT_SOURCES = []
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)")
# Fields that are ours, not text about the article.
_SKIP_FIELDS = {"body_html", "status", "work_type", "comments_closed_reason", "embargo_note"}
# What with_sources() attaches to each article, so the sources below need no query of their own.
_SITE_WIDE, _PUBLIC_COMMENTS = "_scan_site_wide_callouts", "_scan_public_comments"


def text_source(func):
    """Register a source of text to scan; returns it unchanged (usable as a decorator)."""
    TEXT_SOURCES.append(func)
    return func


@text_source
def article_fields(article):
    """Every text and file field of the article (hero captions, alt text and more, as they
    exist), the slug with hyphens as spaces, and the alt text and file names of images in
    the body."""
    for field in article._meta.concrete_fields:
        if field.name in _SKIP_FIELDS or field.choices:
            continue
        value = getattr(article, field.attname)
        if isinstance(field, models.FileField):
            if value:
                yield f"{field.verbose_name} (file name)", file_words(str(value))
        elif isinstance(field, models.SlugField):
            yield field.verbose_name, value.replace("-", " ")
        elif isinstance(field, models.CharField | models.TextField) and value:
            yield field.verbose_name, value
    for alt, src in _MARKDOWN_IMAGE.findall(article.body):
        yield "image alt text", alt
        yield "image file name", file_words(src.rsplit("/", 1)[-1])


@text_source
def filing(article):
    """Tag names, which the article page, feeds and search show with it."""
    if article.pk:
        for tag in article.tags.all():
            yield "tag", tag.name


@text_source
def callouts(article):
    """The article's own promos and the site-wide ones shown beside every article."""
    if article.pk:
        for callout in article.callouts.all():
            yield "callout", callout.text
    site_wide = getattr(article, _SITE_WIDE, None)
    if site_wide is None:
        site_wide = Callout.objects.active().filter(site_wide=True)
    for callout in site_wide:
        yield "site-wide callout", callout.text


@text_source
def corrections(article):
    if article.pk:
        for correction in article.corrections.all():
            yield "correction", correction.text


@text_source
def approved_comments(article):
    if article.pk:
        comments = getattr(article, _PUBLIC_COMMENTS, None)
        if comments is None:
            comments = Comment.objects.public().filter(article=article)
        for comment in comments:
            yield "approved comment", f"{comment.name}: {comment.body}"


@dataclass(frozen=True)
class Match:
    entry: object
    where: str
    excerpt: str
    passage: str = ""  # the words found, as written (the live checks highlight them)

    def describe(self, reveal=True):
        """The passage, naming the register entry only for those who may read the register
        (the excerpt is from text they are handling already)."""
        if not reveal:
            return f"a name on the do-not-identify register, in the {self.where}: …{self.excerpt}…"
        reason = self.entry.get_reason_display()
        return f"“{self.entry.term}” ({reason}) in the {self.where}: …{self.excerpt}…"


def find(entries, texts):
    """Every place one of the register entries appears in (where, text) pairs."""
    found = []
    for entry in entries:
        pattern = name_pattern(entry.term)
        for where, text in texts:
            for hit in pattern.finditer(text):
                excerpt = text[max(0, hit.start() - 30) : hit.end() + 30]
                found.append(Match(entry, str(where), " ".join(excerpt.split()), hit.group()))
    return found


def scan(article, entries=None):
    """Every place a do-not-identify term appears in any text source of the article."""
    if entries is None:
        entries = list(article.do_not_identify.all()) if article.pk else []
    if not entries:
        return []
    return find(entries, [pair for source in TEXT_SOURCES for pair in source(article)])


def unsigned(entries):
    """Register entries no editor has signed off: their matches keep the article back."""
    return entries.exclude(sign_offs__isnull=False)


def unsigned_entries(article):
    if not article.pk:
        return []
    return list(unsigned(article.do_not_identify.all()))


def with_sources(articles):
    """The articles, each with what the text sources read already fetched: scanning a list
    costs a fixed number of queries, however long it is."""
    articles = list(
        articles.prefetch_related(
            "tags",
            "callouts",
            "corrections",
            Prefetch("comments", Comment.objects.public(), to_attr=_PUBLIC_COMMENTS),
        )
    )
    site_wide = list(Callout.objects.active().filter(site_wide=True)) if articles else []
    for article in articles:
        setattr(article, _SITE_WIDE, site_wide)
    return articles


def awaiting_sign_off(entries):
    """The pks of those register entries that no editor has signed off and whose term
    appears in their article now: each keeps its article back until fixed or signed off."""
    waiting = unsigned(entries)
    articles = Article.objects.filter(pk__in=waiting.values("article")).prefetch_related(
        Prefetch("do_not_identify", waiting, to_attr="_scan_unsigned")
    )
    return sorted(
        {
            match.entry.pk
            for article in with_sources(articles)
            for match in scan(article, article._scan_unsigned)
        }
    )


def blocking_matches(article, texts=None):
    """Matches of unsigned register entries, in the article's text sources or, given
    `texts` ((where, text) pairs: a comment, a correction), only in those."""
    entries = unsigned_entries(article)
    if not entries:
        return []
    return scan(article, entries) if texts is None else find(entries, texts)


def problem(match, reveal=True):
    """The gate's message for one blocking match; `reveal` names the entry (for those who
    may read the register)."""
    return (
        f"Identifies someone: {match.describe(reveal)} Fix it, or ask an editor to record a "
        "sign-off with a reason."
    )


def problems(article, texts=None, reveal=True):
    """Messages for blocking_matches(article, texts), worded by problem()."""
    return [problem(match, reveal) for match in blocking_matches(article, texts)]
