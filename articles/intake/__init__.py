"""Intake: documents from outside, read into one IntakeRecord whatever their format.

One parser module per format (articles.plaintext via `text`, `page` for HTML, `ninjs`,
`newsml`, `feeds` for partner feeds and their one-item snapshots), `fetch` for URLs;
articles.actions.intake turns the record into a draft.
"""

import dataclasses

from articles import plaintext
from articles.intake import feeds, newsml, ninjs, page
from articles.intake.fetch import MAX_BYTES, MEDIA_TYPES, FetchRefused, fetch
from articles.intake.record import ImportRefused, IntakeRecord

__all__ = ["FetchRefused", "ImportRefused", "IntakeRecord", "format_of", "from_url", "read"]

FORMATS = {
    "text": "Plain text",
    "html": "HTML page",
    "ninjs": "ninjs JSON",
    "newsml": "NewsML-G2 XML",
}
_EXTENSIONS = {
    "txt": "text", "text": "text", "html": "html", "htm": "html", "json": "ninjs",
    "xml": "newsml",
}  # fmt: skip


def format_of(filename):
    """The format an uploaded file's name says it is, or ImportRefused."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in _EXTENSIONS:
        raise ImportRefused(
            "Upload a .txt, .html, .json (ninjs) or .xml (NewsML-G2) file; "
            f"“{filename}” is none of these."
        )
    return _EXTENSIONS[extension]


def read(data, kind, *, url="", charset=""):
    """The bytes received, as an IntakeRecord; raises ImportRefused with the reason."""
    if kind == "text":
        return from_plaintext(plaintext.decode(data))
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"The document is larger than {MAX_BYTES:,} bytes.")
    text = _decode(data, charset)
    if kind == "html":
        return page.parse(text, url)
    if kind == "ninjs":
        return ninjs.parse(text)
    if kind == "newsml":
        return newsml.parse(text)
    if kind == "feed":
        return feeds.read_one(text)
    raise ImportRefused(f"Unknown format {kind!r}.")


def from_url(url):
    """The original at `url`, fetched (articles.intake.fetch) and read by its content type;
    the URL it was fetched from is its original URL when the document names none."""
    fetched = fetch(url)
    record = read(
        fetched.data, MEDIA_TYPES[fetched.media_type], url=fetched.url, charset=fetched.charset
    )
    if not record.original_url:
        record = dataclasses.replace(record, original_url=fetched.url)
    return record


def from_plaintext(text):
    parsed = plaintext.parse(text)
    return IntakeRecord(
        headline=parsed.headline,
        standfirst=parsed.standfirst,
        body=parsed.body,
        source_text=text,
        promos=parsed.promos,
        comments_closed=parsed.comments_closed,
        publisher=parsed.source_name,
    )


def _decode(data, charset):
    if b"\x00" in data:
        raise ImportRefused("The file is binary, not a text document.")
    try:
        return data.decode(charset or "utf-8-sig")
    except (LookupError, UnicodeDecodeError) as exc:
        raise ImportRefused(f"The document is not {charset or 'UTF-8'} text.") from exc
