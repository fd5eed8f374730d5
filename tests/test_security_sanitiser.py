"""Property test: whatever text goes through a renderer, the HTML runs no script and parses.

RENDERERS lists every function that turns reader or editor text into HTML that a template
marks safe: the Markdown renderer and the plain-text comment renderer.
"""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.comments import render_comment_body
from articles.markdown import render
from tests.payloads import HOSTILE_TEXT, XSS_PAYLOADS, executable_script

RENDERERS = [
    pytest.param(render, id="markdown"),
    pytest.param(render_comment_body, id="comment"),
]

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

# Text built from Markdown and HTML syntax, payload fragments and awkward Unicode, so
# generated examples hit the parser's edges, not only plain prose.
FRAGMENTS = st.sampled_from(
    XSS_PAYLOADS
    + HOSTILE_TEXT
    + ["<", ">", "&", '"', "'", "`", "(", ")", "[", "]", "!", "#", "*", "_", "\n", "\n\n",
       "    ", "> ", "- ", "1. ", "```", "|", "javascript:", "vbscript:", "data:", "on",
       "=", "&#", ";", "%", "\x00", "\t", "<a href=", "<img src=", "](", "<!--", "-->"]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=30).map("".join),
)


class WellFormed(HTMLParser):
    """Every element the sanitiser leaves is closed in order (void elements excepted)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def check(renderer, text):
    html = renderer(text)
    assert executable_script(html) == [], (text, html)
    assert "<script" not in html.lower()
    parser = WellFormed()
    parser.feed(html)
    parser.close()
    assert parser.errors == [] and parser.stack == [], (text, html, parser.errors)
    # Sanitised output is stable: sanitising it again finds nothing more to remove.
    assert executable_script(renderer(html)) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS + HOSTILE_TEXT)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_known_payloads_render_harmless(renderer, payload):
    check(renderer, payload)
    check(renderer, f"Before {payload} after.\n\n* {payload}\n\n> {payload}")


@pytest.mark.parametrize("renderer", RENDERERS)
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
@example(text="<a href='java\x00script:alert(1)'>x</a>")
def test_arbitrary_text_renders_harmless(renderer, text):
    check(renderer, text)


# The exact allowlist, written out here on purpose: a tag or attribute added to the
# sanitiser's lists (articles.markdown) must fail this test until it is added here too.
EXPECTED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
EXPECTED_ON_EVERY_TAG = {"lang", "title"}
EXPECTED_ATTRIBUTES = {
    "a": {"href", "rel"},  # rel is set by the sanitiser: noopener noreferrer
    "img": {"src", "alt", "width", "height", "loading"},  # loading is set: lazy
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
DANGEROUS_TAGS = ["script", "iframe", "style", "form", "input", "svg", "object", "embed",
                  "link", "meta", "base", "math", "video", "audio", "button", "textarea", "h1",
                  "div", "span", "font", "details", "dialog", "template"]  # fmt: skip
OFFERED = {
    "style": "color:red", "onclick": "alert(1)", "onerror": "alert(1)", "class": "x",
    "id": "x", "href": "https://example.org/", "src": "https://example.org/x.png",
    "title": "t", "alt": "a", "width": "1", "height": "1", "align": "left", "scope": "col",
    "start": "2", "target": "_blank", "rel": "opener", "srcset": "https://example.org/y.png 2x",
    "loading": "eager", "data-x": "1", "formaction": "https://example.org/", "tabindex": "0",
    "contenteditable": "true", "lang": "fr", "dir": "rtl", "name": "n", "value": "v",
}  # fmt: skip


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = {}

    def handle_starttag(self, tag, attrs):
        self.found.setdefault(tag, set()).update(name for name, _ in attrs)

    handle_startendtag = handle_starttag


# Table parts outside a table are dropped by the HTML parser, so they get their context.
CONTEXT = {
    "caption": ("<table>", "</table>"),
    "thead": ("<table>", "</table>"),
    "tbody": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"),
    "tr": ("<table><tbody>", "</tbody></table>"),
    "td": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "th": ("<table><tbody><tr>", "</tr></tbody></table>"),
}


def allowed(tag):
    return EXPECTED_ON_EVERY_TAG | EXPECTED_ATTRIBUTES.get(tag, set())


@pytest.mark.parametrize("tag", sorted(EXPECTED_TAGS) + DANGEROUS_TAGS)
def test_the_sanitiser_keeps_exactly_the_allowlist(tag):
    from articles.markdown import sanitise

    attributes = " ".join(f'{name}="{value}"' for name, value in OFFERED.items())
    before, after = CONTEXT.get(tag, ("", ""))
    parser = Elements()
    parser.feed(sanitise(f"{before}<{tag} {attributes}>x</{tag}>{after}"))
    if tag in EXPECTED_TAGS:
        assert parser.found[tag] == allowed(tag)
    else:
        assert tag not in parser.found
    assert set(parser.found) <= EXPECTED_TAGS
    assert all(parser.found[t] <= allowed(t) for t in parser.found)
