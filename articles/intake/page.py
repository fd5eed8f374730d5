"""A news page's HTML as an IntakeRecord: structured data first, then the page's own tags.

extruct reads the JSON-LD, Open Graph and microdata the publisher put there; trafilatura
extracts the article text (and its metadata, the fallback where structured data is
missing). Each field comes from the first source that states it, in this order:
JSON-LD article, Open Graph / article: tags, <link rel> and <meta> tags, trafilatura.
Nothing is guessed: a field no source states stays empty.
"""

from urllib.parse import urlsplit

import extruct
import lxml.html
import trafilatura
from lxml.etree import ParserError

from articles.intake.body import markdown_from_html, markdown_from_text
from articles.intake.record import ImportRefused, IntakeRecord, moment, one_line

_ARTICLE_TYPES = {
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
    "Report", "ScholarlyArticle", "LiveBlogPosting",
}  # fmt: skip


def parse(text, url=""):
    try:
        tree = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise ImportRefused("The page is not readable HTML.") from exc
    data = _structured(text, url)
    ld, og = _article(data.get("json-ld", [])), _first(data.get("opengraph", []))
    extracted = trafilatura.bare_extraction(
        text, url=url or None, with_metadata=True, include_comments=False, include_tables=False
    )
    meta = extracted or _Nothing()
    headline = one_line(ld.get("headline") or og.get("og:title") or meta.title, 200)
    standfirst = _description(one_line(ld.get("description")), one_line(og.get("og:description")))
    standfirst = standfirst or one_line(_meta(tree, "description") or meta.description)
    standfirst = standfirst if len(standfirst) <= 600 else ""
    body_html = trafilatura.extract(
        text, output_format="html", include_comments=False, include_images=False
    )
    body = markdown_from_html(body_html, skip={headline, standfirst})
    article_body = ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else ""
    if len(article_body) > 2 * len(body):  # the text extraction missed what JSON-LD holds
        body = markdown_from_text(article_body, skip={headline, standfirst})
    image, credit = _image(ld, og)
    return IntakeRecord(
        headline=headline,
        standfirst=standfirst,
        body=body,
        source_text=text,
        media_type="text/html",
        publisher=one_line(
            _name(ld.get("publisher")) or og.get("og:site_name") or _site(meta, url), 120
        ),
        byline=one_line(
            _names(ld.get("author"))
            or og.get("article:author")
            or og.get("og:article:author")
            or _meta(tree, "author")
            or meta.author,
            300,
        ),  # fmt: skip
        original_url=_http(_link(tree, "canonical") or _url(ld) or og.get("og:url") or url),
        original_published_at=moment(
            ld.get("datePublished")
            or og.get("article:published_time")
            or og.get("og:article:published_time")
            or meta.date
        ),  # fmt: skip
        original_updated_at=moment(
            ld.get("dateModified")
            or og.get("article:modified_time")
            or og.get("og:article:modified_time")
            or og.get("og:updated_time")
        ),  # fmt: skip
        licence=one_line(_link(tree, "license") or _name(ld.get("license")) or meta.license, 300),
        image_url=_http(image),
        image_credit=one_line(credit, 300),
        corrections=_corrections(ld.get("correction")),
    ).check()


class _Nothing:
    """trafilatura found nothing: every metadata field is empty."""

    def __getattr__(self, name):
        return ""


def _site(meta, url):
    """trafilatura's site name, unless it only repeats the host it was fetched from."""
    host = urlsplit(url).netloc.lower()
    name = meta.sitename or ""
    return "" if name.lower() in {host, host.removeprefix("www.")} else name


def _structured(text, url):
    try:
        return extruct.extract(
            text, base_url=url or None, syntaxes=["json-ld", "opengraph"], uniform=True
        )
    except Exception:  # noqa: BLE001 - a page's broken structured data is only missing data
        return {}


def _article(items):
    """The page's article in its JSON-LD (top level, or in an @graph)."""
    found = []
    for item in items:
        if isinstance(item, dict):
            found.extend(item.get("@graph", [item]) if "@graph" in item else [item])
    for item in found:
        types = item.get("@type") if isinstance(item, dict) else None
        types = types if isinstance(types, list) else [types]
        if _ARTICLE_TYPES.intersection(t for t in types if isinstance(t, str)):
            return item
    return {}


def _description(ld, og):
    """JSON-LD's description, unless it is a cut-off start of the Open Graph one."""
    return og if ld and og.startswith(ld) else ld or og


def _first(items):
    return next((i for i in items if isinstance(i, dict)), {})


def _name(value):
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("@id") or ""
    return value if isinstance(value, str) else ""


def _names(value):
    values = value if isinstance(value, list) else [value]
    return ", ".join(dict.fromkeys(n for n in (one_line(_name(v)) for v in values) if n))


def _url(ld):
    page = ld.get("mainEntityOfPage")
    return ld.get("url") or (page.get("@id") if isinstance(page, dict) else page) or ""


def _image(ld, og):
    """The lead image and its credit: JSON-LD's image object (creditText, copyrightHolder,
    author), or og:image with no credit (an alt text is not a credit)."""
    image = ld.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        credit = image.get("creditText") or _name(image.get("copyrightHolder"))
        credit = credit or _name(image.get("author"))
        return image.get("url") or image.get("contentUrl") or "", credit
    if isinstance(image, str) and image:
        return image, ""
    return og.get("og:image", ""), ""


def _corrections(value):
    """The notes of schema.org's `correction`: CorrectionComment objects or plain texts."""
    items = value if isinstance(value, list) else [value]
    notes = [one_line(i.get("text") if isinstance(i, dict) else i, 1000) for i in items]
    return [note for note in notes if note]


def _link(tree, rel):
    for element in tree.iter("link", "a"):
        rels = (element.get("rel") or "").lower().split()
        if rel in rels and element.get("href"):
            return element.get("href")
    return ""


def _meta(tree, name):
    for element in tree.iter("meta"):
        if (element.get("name") or "").lower() == name and element.get("content"):
            return element.get("content")
    return ""


def _http(value):
    value = one_line(value, 500)
    return value if value.startswith(("https://", "http://")) else ""
