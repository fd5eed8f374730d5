"""Read a plain-text article, as a wire or partner sends it, into its parts (no database).

The shape (see the seed article): headline on the first line; the standfirst as
the first paragraph; body paragraphs; promo lines starting with "* "; then the
source site's trailer: "More from <Publication>" and "Comments are closed."
No trailer line may reach the body. articles.actions.intake writes the Article.
"""

import re
from dataclasses import dataclass, field

from articles import xmltext

MAX_BYTES = 1_000_000
_MORE_FROM = re.compile(r"^More from (?P<name>.{1,120})$")
_COMMENTS_CLOSED = re.compile(r"^Comments are (now )?closed\.?$", re.IGNORECASE)
_PROMO = re.compile(r"^[*•]\s+(?P<text>.+)$")
# Characters that would turn plain prose into Markdown syntax.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]])")
_BLOCK_START = re.compile(r"^(\s*)([#>]|[-+](?=\s))")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s)")
_ESCAPED = re.compile(r"\\([\\`*_\[\]#>+.)-])")


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


def unescape_markdown(text):
    """escape_markdown() undone: a paragraph of ours back to the plain text it was."""
    return _ESCAPED.sub(r"\1", text).replace("&lt;", "<")


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
    text = xmltext.clean(text).replace("\r\n", "\n").replace("\r", "\n")
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
