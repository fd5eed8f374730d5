"""render_comment_body: the one path from a reader's plain text to HTML."""

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from articles.comments import render_comment_body


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    parser = Tags()
    parser.feed(html)
    return parser


def test_line_breaks_and_paragraphs_are_kept():
    assert render_comment_body("one\ntwo\r\n\r\nthree") == "<p>one<br>two</p>\n<p>three</p>"


def test_bare_urls_are_linked_nofollow_ugc_without_trailing_punctuation():
    html = render_comment_body("See (https://example.org/a_b?x=1&y=2), or http://e.org/.")
    assert html == (
        '<p>See (<a href="https://example.org/a_b?x=1&amp;y=2" rel="nofollow ugc">'
        "https://example.org/a_b?x=1&amp;y=2</a>), or "
        '<a href="http://e.org/" rel="nofollow ugc">http://e.org/</a>.</p>'
    )


def test_only_http_urls_are_linked():
    html = render_comment_body("javascript:alert(1) data:text/html,x ftp://f.example www.w.example")
    assert "<a" not in html


def test_a_quote_cannot_break_out_of_the_link():
    html = render_comment_body('https://e.org/"onmouseover="alert(1) <x>')
    assert parse(html).seen == [
        ("p", {}),
        ("a", {"href": "https://e.org/", "rel": "nofollow ugc"}),
    ]


PIECES = [*"ab <>\"'&;:/.?=#()", "\n", "\r\n", "http://", "https://", "&amp;"]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_yields_only_paragraphs_breaks_and_safe_links(text):
    parsed = parse(render_comment_body(text))
    for tag, attrs in parsed.seen:
        assert tag in {"p", "br", "a"}
        if tag == "a":
            assert set(attrs) == {"href", "rel"} and attrs["rel"] == "nofollow ugc"
            assert attrs["href"].startswith(("http://", "https://"))
    # Every visible character of the reader's text is shown, as text.
    assert re.sub(r"\s", "", "".join(parsed.text)) == re.sub(r"\s", "", text)
