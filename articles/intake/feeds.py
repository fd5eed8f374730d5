"""Partner feeds as IntakeRecords, one per item (no database, no network).

RSS 0.9x to 2.0, RSS 1.0 and Atom are read by feedparser, after defusedxml has refused any
DTD or entity and lxml has split the feed into its items; a ninjs feed is a JSON list of
ninjs items (or an object holding them under "items", or Superdesk's "_items"), each read
by articles.intake.ninjs.

An item's full text is its content:encoded or Atom content. An item with only a
description or summary is taken as that summary and marked summary_only: nothing is added
to it. Every HTML goes through articles.intake.body (articles.markdown.sanitise).

Each item's snapshot is a one-item feed (the feed's own elements with only that item) or
the item's JSON; read_one() reads such a snapshot back, so the licence check compares our
copy with the story the item held, not with its markup.
"""

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

import feedparser
import lxml.etree
import lxml.html
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from articles.intake import ninjs
from articles.intake.body import markdown_from_html, markdown_from_text
from articles.intake.record import ImportRefused, IntakeRecord, one_line
from articles.markdown import sanitise

# What each subscription format may be served as (articles.intake.fetch `accept`).
FEED_TYPES = {
    "rss": (
        "application/rss+xml", "application/atom+xml", "application/rdf+xml",
        "application/xml", "text/xml",
    ),
    "ninjs": ("application/json", "application/ld+json"),
}  # fmt: skip
_HTML = {"text/html", "application/xhtml+xml"}
_ROOTS = {"rss", "RDF", "feed"}


@dataclass
class Entry:
    record: IntakeRecord
    summary_only: bool = False

    @property
    def content_hash(self):
        """The story's own text: the same story under a new GUID or URL hashes the same."""
        record = self.record
        text = "\n".join((record.headline, record.standfirst, record.body))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Feed:
    entries: list[Entry] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "Item 3: the reason"


def read(data, kind, charset=""):
    """A feed's items as entries; raises ImportRefused when the feed as a whole cannot be
    read (malformed, hostile, not a feed); an item that cannot be read is listed in
    `refused` with the reason."""
    if kind == "ninjs":
        return _ninjs_feed(data, charset)
    return _xml_feed(data)


def read_one(text):
    """A one-item RSS or Atom document (an item's snapshot) as its record."""
    feed = _xml_feed(text.encode("utf-8"))
    if feed.refused:
        raise ImportRefused(feed.refused[0])
    if len(feed.entries) != 1:
        raise ImportRefused(
            f"This is a feed of {len(feed.entries)} items, not one article: subscribe to it "
            "(Feed subscriptions) instead."
        )
    return feed.entries[0].record


def _xml_feed(data):
    root = _parse_xml(data)
    items = [
        (element.getparent(), element)
        for element in root.iter("{*}item", "{*}entry")
        if element.getparent() is root or _local(element.getparent()) == "channel"
    ]
    for parent, element in items:
        parent.remove(element)
    media_type = "application/atom+xml" if _local(root) == "feed" else "application/rss+xml"
    feed = Feed()
    for number, (parent, element) in enumerate(items, 1):
        parent.append(element)
        snapshot = lxml.etree.tostring(root, encoding="unicode")
        parent.remove(element)
        try:
            feed.entries.append(_entry(snapshot, media_type))
        except ImportRefused as refused:
            feed.refused.append(f"Item {number}: {refused}")
    return feed


def _parse_xml(data):
    try:
        fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportRefused(
            "The feed declares a DTD or entities, which intake refuses (an XML bomb or an "
            "external entity)."
        ) from exc
    except ParseError as exc:
        raise ImportRefused(f"The feed is not well-formed XML ({exc}).") from exc
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = lxml.etree.fromstring(data, parser)
    if _local(root) not in _ROOTS:
        raise ImportRefused("The XML is not an RSS or Atom feed.")
    return root


def _local(element):
    return lxml.etree.QName(element).localname


def _entry(snapshot, media_type):
    parsed = feedparser.parse(
        io.BytesIO(snapshot.encode("utf-8")), sanitize_html=False, resolve_relative_uris=False
    )
    if len(parsed.entries) != 1:
        raise ImportRefused("The item could not be read.")
    entry = parsed.entries[0]
    headline = one_line(_plain(entry.get("title_detail")), 200)
    content = _full_text(entry.get("content", []))
    summary = entry.get("summary_detail")
    if summary and content and summary.get("value") == content.get("value"):
        summary = None  # feedparser repeats a lone content:encoded as the summary
    standfirst = ""
    if content and summary:
        standfirst = one_line(_plain(summary))
        opening = one_line(_plain(content))
        if len(standfirst) > 600 or opening.startswith(standfirst.rstrip(" .…[]")):
            standfirst = ""  # an excerpt of the body is not a standfirst
    body = _markdown(content or summary, skip={headline, standfirst})
    if content is None and body and "\n\n" not in body:
        standfirst = one_line(_plain(summary))  # a one-paragraph summary is both
        standfirst = standfirst if len(standfirst) <= 600 else ""
    image, credit = _image(entry)
    published = _moment(entry.get("published_parsed"))
    updated = _moment(dict.get(entry, "updated_parsed"))  # not feedparser's fallback
    record = IntakeRecord(
        headline=headline,
        standfirst=standfirst,
        body=body,
        source_text=snapshot,
        media_type=media_type,
        publisher=one_line(entry.get("publisher") or parsed.feed.get("publisher"), 120),
        byline=one_line(_byline(entry), 300),
        original_url=_http(entry.get("link")),
        guid=one_line(entry.get("id"), 300),
        original_published_at=published,
        original_updated_at=updated if updated != published else None,
        licence=one_line(entry.get("license") or parsed.feed.get("license"), 300),
        image_url=_http(image),
        image_credit=one_line(credit, 300),
    ).check()
    return Entry(record, summary_only=content is None)


def _full_text(contents):
    """The item's content: HTML if it comes in several types, else the first."""
    details = [c for c in contents if c.get("value", "").strip()]
    html = [c for c in details if c.get("type") in _HTML]
    return (html or details or [None])[0]


def _markdown(detail, skip):
    if detail is None:
        return ""
    if detail.get("type") in _HTML:
        return markdown_from_html(detail.get("value"), skip=skip)
    return markdown_from_text(detail.get("value"), skip=skip)


def _plain(detail):
    """A text construct's words: markup (an HTML title) sanitised, then dropped."""
    if not detail or not detail.get("value"):
        return ""
    if detail.get("type") not in _HTML:
        return detail["value"]
    clean = sanitise(detail["value"])
    return lxml.html.fragment_fromstring(clean, create_parent="div").text_content()


def _byline(entry):
    names = [a.get("name") for a in entry.get("authors", []) if a.get("name")]
    return ", ".join(dict.fromkeys(names)) or entry.get("author", "")


def _image(entry):
    """The item's picture (media:content, media:thumbnail or an image enclosure), with its
    media:credit."""
    credits = entry.get("media_credit") or [{}]
    pictures = [
        m.get("url") or m.get("href")
        for m in (
            *entry.get("media_content", []),
            *entry.get("media_thumbnail", []),
            *entry.get("enclosures", []),
        )
        if m.get("medium") == "image" or (m.get("type") or "").startswith("image/")
    ]
    pictures = [p for p in pictures if p]
    return (pictures[0] if pictures else ""), credits[0].get("content", "")


def _moment(parsed):
    """feedparser's UTC struct_time as an aware datetime."""
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def _http(value):
    value = one_line(value, 500)
    return value if value.startswith(("https://", "http://")) else ""


def _ninjs_feed(data, charset):
    try:
        document = json.loads(data.decode(charset or "utf-8-sig"))
    except (LookupError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ImportRefused(f"The feed is not valid JSON ({exc.__class__.__name__}).") from exc
    items = document
    if isinstance(document, dict):
        items = document.get("items", document.get("_items"))
    if not isinstance(items, list):
        raise ImportRefused(
            "The JSON is not a ninjs feed (a list of ninjs items, or an object with “items”)."
        )
    feed = Feed()
    for number, item in enumerate(items, 1):
        try:
            feed.entries.append(Entry(ninjs.parse(json.dumps(item, ensure_ascii=False))))
        except ImportRefused as refused:
            feed.refused.append(f"Item {number}: {refused}")
    return feed
