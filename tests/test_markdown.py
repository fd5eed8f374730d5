"""articles.markdown.render(): Markdown in, sanitised HTML out."""

import pytest

from articles.markdown import render


def test_keeps_links_emphasis_lists_headings_and_images():
    html = render(
        "## Heading\n\n*emphasis* and **strong** and [a link](https://example.org/x)\n\n"
        "- one\n- two\n\n1. first\n\n![A chart](/media/chart.png)"
    )
    assert "<h2>Heading</h2>" in html
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert '<a href="https://example.org/x" rel="noopener noreferrer">a link</a>' in html
    assert "<ul>\n<li>one</li>" in html and "<ol>" in html
    assert '<img alt="A chart" src="/media/chart.png" loading="lazy">' in html


def test_a_body_h1_becomes_h2():
    assert render("# Top") == "<h2>Top</h2>"


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox(1))",
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<p onclick="alert(1)">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        "<svg><script>alert(1)</script></svg>",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_removes_script_handlers_and_dangerous_urls(payload):
    html = render(payload).lower()
    assert "<script" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html and "vbscript:" not in html and "data:" not in html
    assert "<iframe" not in html and "style=" not in html


def test_empty_input():
    assert render("") == ""
