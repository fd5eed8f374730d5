"""IPTC NewsML-G2 news items as an IntakeRecord, parsed with defusedxml (no entity
expansion, no external entities, no DTDs: an XML bomb is refused, not expanded).

The body is the item's inline XHTML or NITF (`contentSet/inlineXML`); the publisher is the
copyright holder (or the provider); the GUID the item's `guid`.
"""

from xml.etree.ElementTree import ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.html import escape

from articles.intake.body import markdown_from_html
from articles.intake.record import ImportRefused, IntakeRecord, moment, one_line

G2 = "{http://iptc.org/std/nar/2006-10-01/}"


def parse(text):
    try:
        root = fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportRefused(
            "The XML declares a DTD or entities, which intake refuses (an XML bomb or an "
            "external entity)."
        ) from exc
    except ParseError as exc:
        raise ImportRefused(f"The file is not well-formed XML ({exc}).") from exc
    if root.tag == f"{G2}newsMessage":
        root = root.find(f".//{G2}newsItem")
    if root is None or root.tag != f"{G2}newsItem":
        raise ImportRefused("The XML is not a NewsML-G2 news item.")
    headline = one_line(_text(root, "contentMeta/headline"), 200)
    standfirst = one_line(_text(root, "contentMeta/description"), 600)
    inline = root.find(f"{G2}contentSet/{G2}inlineXML")
    html = _as_html(inline) if inline is not None else ""
    if not headline and inline is not None:
        headline = one_line(" ".join(_local(inline, "hl1")), 200)
    byline = _text(root, "contentMeta/by") or _text(root, "contentMeta/creator/name")
    if not byline and inline is not None:
        byline = " ".join(_local(inline, "byline"))
    holder = _text(root, "rightsInfo/copyrightHolder/name")
    licence = _text(root, "rightsInfo/usageTerms")
    link = root.find(f"{G2}rightsInfo/{G2}link")
    return IntakeRecord(
        headline=headline,
        standfirst=standfirst,
        body=markdown_from_html(html, skip={headline, standfirst}),
        source_text=text,
        media_type="application/vnd.iptc.g2.newsitem+xml",
        publisher=one_line(holder, 120),
        byline=one_line(byline.removeprefix("By "), 300),
        guid=one_line(root.get("guid"), 300),
        original_published_at=moment(_text(root, "contentMeta/contentCreated")),
        original_updated_at=moment(
            _text(root, "contentMeta/contentModified") or _text(root, "itemMeta/versionCreated")
        ),
        licence=one_line(licence or (link.get("href", "") if link is not None else ""), 300),
    ).check()


def _text(root, path):
    element = root.find("/".join(f"{G2}{step}" for step in path.split("/")))
    return one_line("".join(element.itertext())) if element is not None else ""


def _local(root, name):
    """Text of the elements called `name` in any namespace (NITF, XHTML)."""
    return ["".join(e.itertext()) for e in root.iter() if e.tag.rsplit("}", 1)[-1] == name]


def _as_html(inline):
    """The inline XML's body blocks (<p>, NITF's <hl2>) as an HTML fragment to sanitise."""
    blocks = []
    for element in inline.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name == "p" or name == "hl2":
            tag = "p" if name == "p" else "h2"
            text = "".join(element.itertext())
            blocks.append(f"<{tag}>{escape(text)}</{tag}>")
    return "".join(blocks) or tostring(inline, encoding="unicode")
