"""The one path from Markdown to HTML: Python-Markdown, then an nh3 allowlist.

Article bodies (on save), callouts and the admin's live preview all call render(),
so what an editor previews is byte for byte what a reader gets; intake passes every
incoming HTML through sanitise(), render's last step. Nothing else in the project may
mark HTML as safe.
"""

import re

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
# No javascript:, vbscript: or data: URLs; relative links are allowed.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists", "smarty"]
# The page's one h1 is the headline, so a "# heading" in a body becomes an h2.
_H1 = re.compile(r"<(/?)h1\b")


def render(text):
    """Render editor Markdown to sanitised HTML (the public page's h1 is the headline)."""
    if not text:
        return ""
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
