"""IPTC ninjs (News in JSON) 2.x and 1.x items as an IntakeRecord.

2.x carries lists (`headlines`, `descriptions`, `bodies`, `rightsinfo`); 1.x flat fields
(`headline`, `description_text`, `body_html`, `byline`). The publisher is the item's
`copyrightholder`; the licence its `usageterms` or linked rights; the GUID its `uri`; the
lead image the first picture association with its `by` as the credit.
"""

import json

from articles.intake.body import markdown_from_html, markdown_from_text
from articles.intake.record import ImportRefused, IntakeRecord, moment, one_line

MAX_DEPTH = 32


def parse(text):
    try:
        item = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportRefused(f"The file is not valid JSON ({exc.__class__.__name__}).") from exc
    if not isinstance(item, dict) or _depth(item) > MAX_DEPTH:
        raise ImportRefused("The JSON is not a ninjs item (an object with a headline and body).")
    headline = one_line(_role_value(item.get("headlines"), "main") or item.get("headline"), 200)
    standfirst = one_line(
        _role_value(item.get("descriptions"), "summary")
        or item.get("description_text")
        or _role_value(item.get("descriptions"), "text"),
    )
    skip = {headline, standfirst}
    html = _body(item.get("bodies"), "text/html") or item.get("body_html") or item.get("body_xhtml")
    if html:
        body = markdown_from_html(html, skip=skip)
    else:
        plain = _body(item.get("bodies"), "text/plain") or item.get("body_text")
        body = markdown_from_text(plain, skip=skip)
    image = _picture(item.get("associations"))
    rights = item.get("rightsinfo") if isinstance(item.get("rightsinfo"), dict) else {}
    return IntakeRecord(
        headline=headline,
        standfirst=standfirst[:600] if len(standfirst) <= 600 else "",
        body=body,
        source_text=text,
        media_type="application/json",
        publisher=one_line(item.get("copyrightholder"), 120),
        byline=one_line(item.get("by") or item.get("byline"), 300),
        original_url=_canonical(item.get("links")),
        guid=one_line(item.get("uri") or item.get("guid"), 300),
        original_published_at=moment(item.get("firstcreated") or item.get("contentcreated")),
        original_updated_at=moment(item.get("versioncreated")),
        licence=one_line(item.get("usageterms") or rights.get("linkedrights"), 300),
        image_url=_http(image.get("href")),
        image_credit=one_line(image.get("by"), 300),
    ).check()


def _depth(value, level=0):
    if level > MAX_DEPTH:
        return level
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    )
    return max((_depth(child, level + 1) for child in children), default=level)


def _role_value(entries, role):
    """The value of the entry with `role` (or the first one) in a ninjs 2.x list."""
    if not isinstance(entries, list):
        return ""
    dicts = [e for e in entries if isinstance(e, dict)]
    chosen = [e for e in dicts if e.get("role") == role] or dicts[:1]
    return chosen[0].get("value", "") if chosen else ""


def _body(bodies, contenttype):
    for body in bodies if isinstance(bodies, list) else ():
        if isinstance(body, dict) and body.get("contenttype", "").startswith(contenttype):
            return body.get("value", "")
    return ""


def _picture(associations):
    """The first picture's link to its largest rendition, and its credit."""
    if isinstance(associations, dict):  # 1.x: a map of name to item
        associations = list(associations.values())
    for assoc in associations if isinstance(associations, list) else ():
        if not isinstance(assoc, dict) or assoc.get("type") not in ("picture", "image"):
            continue
        renditions = assoc.get("renditions")
        if isinstance(renditions, dict):
            renditions = list(renditions.values())
        hrefs = [r for r in renditions or () if isinstance(r, dict) and r.get("href")]
        hrefs.sort(key=lambda r: -(r.get("width") or 0) if isinstance(r.get("width"), int) else 0)
        href = hrefs[0]["href"] if hrefs else assoc.get("uri", "")
        return {"href": href, "by": assoc.get("by") or assoc.get("byline") or ""}
    return {}


def _canonical(links):
    """ninjs 2.x: the link to the item's web page (rel canonical); the `uri` is an
    identifier, not a page, so it is the GUID only."""
    for link in links if isinstance(links, list) else ():
        rel = link.get("rel") if isinstance(link, dict) else None
        if rel in ("canonical", "self", "alternate") and (url := _http(link.get("href"))):
            return url
    return ""


def _http(value):
    value = one_line(value, 500)
    return value if value.startswith(("https://", "http://")) else ""
