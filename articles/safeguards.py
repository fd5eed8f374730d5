"""Identification safeguards: scan every text about an article for do-not-identify terms.

Matching is case-insensitive, on whole words, with diacritics folded ("Zoë" finds
"ZOE"). Where text comes from is a list of sources; others join it with
@text_source (the comments app adds pending comments, the images app captions).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import models

# Callables taking an article and yielding (where, text) pairs.
TEXT_SOURCES = []
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)")
# Fields that are ours, not text about the article.
_SKIP_FIELDS = {"body_html", "status", "work_type", "comments_closed_reason"}


def text_source(func):
    """Register a source of text to scan; returns it unchanged (usable as a decorator)."""
    TEXT_SOURCES.append(func)
    return func


def fold(text):
    """Lower case without diacritics, for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def file_words(name):
    """A file name as words: "uploads/jamie_brookes-2.jpg" → "uploads jamie brookes 2 jpg"."""
    return re.sub(r"[-_./\\]+", " ", name)


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
def callouts(article):
    if article.pk:
        for callout in article.callouts.all():
            yield "callout", callout.text


@text_source
def corrections(article):
    if article.pk:
        for correction in article.corrections.all():
            yield "correction", correction.text


@text_source
def pending_comments(article):
    """Comments waiting for a moderator: approving one must not identify anyone either."""
    from articles.models import Comment  # models import this module's users, not it

    if article.pk:
        for comment in Comment.objects.filter(article=article, status=Comment.Status.PENDING):
            yield "pending comment", f"{comment.name}: {comment.body}"


@dataclass(frozen=True)
class Match:
    entry: object
    where: str
    excerpt: str

    def describe(self):
        reason = self.entry.get_reason_display()
        return f"“{self.entry.term}” ({reason}) in the {self.where}: …{self.excerpt}…"


def term_pattern(term):
    """Whole words of the folded term; hyphens, underscores and spaces between them agree."""
    words = re.split(r"[\s\-_]+", fold(term).strip())
    # A letter or digit on either side means another word; an underscore does not.
    return re.compile(r"(?<![^\W_])" + r"[\s\-_]+".join(map(re.escape, words)) + r"(?![^\W_])")


def scan(article, entries=None):
    """Every place a do-not-identify term appears in any text source of the article."""
    if entries is None:
        entries = list(article.do_not_identify.all()) if article.pk else []
    if not entries:
        return []
    texts = [(where, fold(text)) for source in TEXT_SOURCES for where, text in source(article)]
    found = []
    for entry in entries:
        pattern = term_pattern(entry.term)
        for where, text in texts:
            for hit in pattern.finditer(text):
                excerpt = text[max(0, hit.start() - 30) : hit.end() + 30]
                found.append(Match(entry, str(where), " ".join(excerpt.split())))
    return found


def identification_problems(article):
    """Messages for matches of register entries no editor has signed off."""
    if not article.pk:
        return []
    entries = list(article.do_not_identify.exclude(sign_offs__isnull=False))
    return [
        f"Identifies someone: {match.describe()} Fix it, or record a sign-off with a reason."
        for match in scan(article, entries)
    ]
