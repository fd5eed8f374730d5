"""The one path from Markdown to HTML: Python-Markdown, then an nh3 allowlist.

Article bodies (on save), callouts and the admin's live preview all call render(),
so what an editor previews is byte for byte what a reader gets; intake passes every
incoming HTML through sanitise(), render's last step. Nothing else in the project may
mark HTML as safe.

Python-Markdown is quadratic (or recursive) on a few constructs: every unmatched `[` or
unclosed `](` makes it scan to the end of the paragraph, every raw-HTML tag left open
makes its HTML step scan again, each inline element re-scans its paragraph, and each
list or quote marker nested on one line is one more level of recursion. render() counts
them in linear passes first (check_limits) and refuses text over the limits with a
message for the editor, before any parsing.
"""

import re

import markdown as md
import nh3
from django.core.exceptions import ValidationError

from articles import xmltext

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "title"},  # on every allowed tag (nh3's default, written out)
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
# No javascript:, vbscript: or data: URLs; relative links are allowed.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists", "smarty"]
# The page's one h1 is the headline, so a "# heading" in a body becomes an h2.
_H1 = re.compile(r"<(/?)h1\b")

# Render limits. A long feature is 60,000 characters in paragraphs of under 2,000; the
# costliest text within the limits renders in a few seconds (README, Security).
MAX_CHARACTERS = 100_000
MAX_BLOCK_CHARACTERS = 5_000  # a paragraph, list or table: the text between blank lines
MAX_UNMATCHED = 200  # "[" without "]", and "](" without ")"
MAX_UNCLOSED_TAGS = 200  # raw HTML start tags without their end tag (void elements aside)
MAX_NESTING = 8  # list and quote markers opening one line
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_MARKER = re.compile(r"[ \t]*(?:[0-9]{1,9}[.)]|[-*+>])(?=[ \t]|$)")


class RenderLimitExceeded(ValidationError):
    """Markdown too large or too tangled to render safely; the message tells the editor why."""


def check_limits(text):
    """Raise RenderLimitExceeded if rendering `text` could take more than a moment."""
    if len(text) > MAX_CHARACTERS:
        raise RenderLimitExceeded(
            f"The text is {len(text):,} characters; the limit is {MAX_CHARACTERS:,}. "
            "Please split it or shorten it."
        )
    unmatched = _unmatched_brackets(text)
    if unmatched > MAX_UNMATCHED:
        raise RenderLimitExceeded(
            f"The text has {unmatched:,} “[” or “](” that are never closed (the limit is "
            f"{MAX_UNMATCHED}). Close each link as [text](address), or write the "
            "brackets as \\[ and \\]."
        )
    unclosed = _unclosed_tags(text)
    if unclosed > MAX_UNCLOSED_TAGS:
        raise RenderLimitExceeded(
            f"The text has {unclosed:,} HTML tags that are never closed (the limit is "
            f"{MAX_UNCLOSED_TAGS}). Close them, or write “<” as &lt;."
        )
    if _deepest_nesting(text) > MAX_NESTING:
        raise RenderLimitExceeded(
            f"A line opens more than {MAX_NESTING} nested lists or quotes. Please simplify it."
        )
    longest = max(len(block) for block in _BLANK_LINE.split(text))
    if longest > MAX_BLOCK_CHARACTERS:
        raise RenderLimitExceeded(
            f"A paragraph (or a list or table without blank lines) is {longest:,} "
            f"characters; the limit is {MAX_BLOCK_CHARACTERS:,}. Please break it up "
            "with blank lines."
        )


def _unmatched_brackets(text):
    brackets = parens = 0
    unmatched = 0
    previous = ""
    for char in text:
        if char == "[":
            brackets += 1
        elif char == "]" and brackets:
            brackets -= 1
        elif char == "(" and previous == "]":
            parens += 1
        elif char == ")" and parens:
            parens -= 1
        elif char == "\n" and previous == "\n":
            # A blank line ends a paragraph: nothing after it closes what is still open.
            unmatched += brackets + parens
            brackets = parens = 0
        previous = char
    return unmatched + brackets + parens


def _unclosed_tags(text):
    open_tags = {}
    for closing, name in _TAG.findall(text):
        name = name.lower()
        if name in VOID_TAGS:
            continue
        if closing:
            open_tags[name] = max(0, open_tags.get(name, 0) - 1)
        else:
            open_tags[name] = open_tags.get(name, 0) + 1
    return sum(open_tags.values())


def _deepest_nesting(text):
    deepest = 0
    for line in text.splitlines():
        depth = position = 0
        while depth <= MAX_NESTING and (marker := _MARKER.match(line, position)):
            depth, position = depth + 1, marker.end()
        deepest = max(deepest, depth)
    return deepest


def validate_renderable(text):
    """Model-field validator: the same limits, shown as the field's error in the admin."""
    check_limits(text or "")


def render(text):
    """Render editor Markdown to sanitised HTML (the public page's h1 is the headline).

    Raises RenderLimitExceeded for text over the render limits (check_limits).
    """
    if not text:
        return ""
    text = xmltext.clean(text)
    check_limits(text)
    html = md.markdown(text, extensions=EXTENSIONS, output_format="html")
    return sanitise(_H1.sub(r"<\1h2", html))


def sanitise(html):
    """HTML reduced to the allowlist: the last step of render(), and the first for any HTML
    that comes in from outside (articles.intake.body)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        # Body images sit below the headline: the browser fetches them as they scroll in.
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    )


def without_images(html):
    """Stored HTML with every image taken out, for partners who may not receive them."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS - {"img"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
