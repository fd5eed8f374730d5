"""Incoming HTML bodies as Markdown: sanitised first (articles.markdown.sanitise, the one
path for HTML), then each block (paragraph, heading, list item, quotation) kept as escaped
plain text, so no markup of the source's survives into our body except its structure."""

import lxml.html

from articles.markdown import sanitise
from articles.plaintext import escape_markdown

_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "figcaption"}
_PREFIX = {"h2": "## ", "h3": "### ", "h4": "### ", "h5": "### ", "h6": "### ", "li": "- "}


def markdown_from_html(html, *, skip=()):
    """The blocks of an HTML fragment as Markdown paragraphs; `skip` drops exact repeats
    (the headline or standfirst a body often starts with)."""
    clean = sanitise(html or "")
    if not clean.strip():
        return ""
    root = lxml.html.fragment_fromstring(clean, create_parent="div")
    blocks = []
    for element in root.iter(*_BLOCKS):
        if any(parent.tag in _BLOCKS for parent in element.iterancestors()):
            continue
        text = " ".join(element.text_content().split())
        if text and text not in skip:
            blocks.append(_PREFIX.get(element.tag, "") + escape_markdown(text))
    if not blocks:  # a body of bare text with <br>s
        text = " ".join(root.text_content().split())
        blocks = [escape_markdown(text)] if text else []
    return "\n\n".join(blocks)


def markdown_from_text(text, *, skip=()):
    """A plain-text body (paragraphs split by blank lines, or by single lines) as Markdown."""
    text = (text or "").replace("\r\n", "\n")
    parts = text.split("\n\n") if "\n\n" in text else text.split("\n")
    blocks = [" ".join(p.split()) for p in parts]
    return "\n\n".join(escape_markdown(b) for b in blocks if b and b not in skip)
