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
