"""Turn a plain-text article, as a wire or partner sends it, into one Article.

The shape (see the seed article): headline on the first line; the standfirst as
the first paragraph; body paragraphs; promo lines starting with "* "; then the
source site's trailer: "More from <Publication>" and "Comments are closed."
No trailer line may reach the body.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Callout, Republication, SourceSnapshot

MAX_BYTES = 1_000_000
_MORE_FROM = re.compile(r"^More from (?P<name>.{1,120})$")
_COMMENTS_CLOSED = re.compile(r"^Comments are (now )?closed\.?$", re.IGNORECASE)
_PROMO = re.compile(r"^[*•]\s+(?P<text>.+)$")
# Characters that would turn plain prose into Markdown syntax.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]])")
_BLOCK_START = re.compile(r"^(\s*)([#>]|[-+](?=\s))")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s)")


class ImportRefused(ValueError):
    """A file that is not an article; the message says why, for the editor."""


@dataclass
class ParsedArticle:
    headline: str
    standfirst: str
    paragraphs: list[str]
    promos: list[str] = field(default_factory=list)
    source_name: str = ""
    comments_closed: bool = False

    @property
    def body(self):
        return "\n\n".join(escape_markdown(p) for p in self.paragraphs)


def escape_markdown(text):
    """Keep a plain-text paragraph plain: escape what Markdown would read as markup."""
    text = _INLINE_MARKUP.sub(r"\\\1", text).replace("<", "&lt;")
    text = _BLOCK_START.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\\2", text)


def decode(data):
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_BYTES:,} bytes.")
    if b"\x00" in data:
        raise ImportRefused("The file is binary, not plain text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused("The file is not UTF-8 text.") from exc
    if any(ord(c) < 32 and c not in "\n\r\t\f" for c in text):
        raise ImportRefused("The file has control characters: it is not plain text.")
    return text


def parse(text):
    """Split the text into an article's parts, or raise ImportRefused with the reason."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [
        " ".join(line.strip() for line in b.split("\n") if line.strip())
        for b in re.split(r"\n\s*\n", text)
    ]
    blocks = [b for b in blocks if b]
    if not blocks:
        raise ImportRefused("The file is empty.")
    headline, *rest = blocks
    if len(headline) > 200:
        raise ImportRefused("The first line is too long to be a headline (200 characters at most).")

    source_name, comments_closed, promos = "", False, []
    # Read the trailer from the end: it is the source site's furniture, not the story.
    while rest:
        last = rest[-1]
        if _COMMENTS_CLOSED.match(last):
            comments_closed = True
        elif match := _MORE_FROM.match(last):
            source_name = match["name"].strip()
        elif match := _PROMO.match(last):
            promos.insert(0, match["text"].strip())
        else:
            break
        rest.pop()
    if not rest:
        raise ImportRefused("The file has a headline but no standfirst or body.")
    standfirst, *paragraphs = rest
    if not paragraphs:
        raise ImportRefused("The file has a headline and a standfirst but no body.")
    if len(standfirst) > 600:
        raise ImportRefused("The standfirst (first paragraph) is longer than 600 characters.")
    return ParsedArticle(
        headline=headline,
        standfirst=standfirst,
        paragraphs=paragraphs,
        promos=promos,
        source_name=source_name,
        comments_closed=comments_closed,
    )


# What --licence may say, and the edits each licence allows by default.
_LICENCES = {
    "cc by": Republication.Licence.CC_BY,
    "cc-by": Republication.Licence.CC_BY,
    "cc by-nd": Republication.Licence.CC_BY_ND,
    "cc-by-nd": Republication.Licence.CC_BY_ND,
    "cc by-nc-nd": Republication.Licence.CC_BY_NC_ND,
    "cc-by-nc-nd": Republication.Licence.CC_BY_NC_ND,
    "permission": Republication.Licence.PERMISSION,
    "written permission": Republication.Licence.PERMISSION,
}
_DEFAULT_EDITS = {Republication.Licence.CC_BY: Republication.Edits.ANY}


def licence_choice(text):
    """Map a --licence value to (choice, permission reference); unknown text is "other"."""
    key = " ".join(text.lower().split())
    if key in _LICENCES:
        return _LICENCES[key], ""
    return Republication.Licence.OTHER, text


@transaction.atomic
def import_article(
    parsed,
    *,
    source_name="",
    source_url="",
    licence="",
    publish=False,
    original_published_at=None,
    source_text=None,
):
    """Create or update the Article for a parsed file; re-importing never duplicates.

    An article is the same when its headline slug and source publication match.
    A republished piece gets its republication record (search policy: noindex plus
    canonical) and, when `source_text` is given, an immutable snapshot of it.
    Returns (article, created).
    """
    source_name = source_name or parsed.source_name
    slug = slugify(parsed.headline)[:200]
    article = Article.objects.filter(slug=slug, source_name=source_name).order_by(
        "id"
    ).first() or Article(slug=slug)
    created = article.pk is None
    article.headline = parsed.headline
    article.standfirst = parsed.standfirst
    article.body = parsed.body
    article.source_name = source_name
    article.comments_closed = parsed.comments_closed
    if source_name:
        article.work_type = Article.WorkType.REPUBLISHED
    if source_url:
        article.source_url = source_url
    if licence:
        article.source_licence = licence
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or timezone.now()
    article.full_clean()
    # A new article needs its id before its records; an existing one gets its records
    # first, so the publishing checks on save compare against the new source.
    if created:
        article.save()
    if source_name:
        record_republication(article, source_name, source_url, licence, original_published_at)
    if source_text is not None:
        snapshot = article.source_snapshots.first()
        if snapshot is None or snapshot.sha256 != SourceSnapshot.digest(source_text):
            SourceSnapshot.objects.create(article=article, text=source_text)
    if not created:
        article.save()

    callouts = [Callout.objects.get_or_create(text=text)[0] for text in parsed.promos]
    article.callouts.add(*callouts)
    return article, created


def record_republication(article, publisher, url, licence, original_published_at):
    """Fill the republication record with what the file and the command line tell us."""
    record = article.republication_record or Republication(article=article)
    record.publisher = publisher
    if url:
        record.original_url = url
    if original_published_at:
        record.original_published_at = original_published_at
    if licence:
        record.licence, record.permission_reference = licence_choice(licence)
        record.allowed_edits = _DEFAULT_EDITS.get(record.licence, Republication.Edits.NONE)
    record.full_clean()
    record.save()
    return record
