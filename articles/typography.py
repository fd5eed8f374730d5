"""Curly quotes for plain text (headlines), as Markdown's smarty extension gives bodies:
a headline and its article's text should not disagree about what a quotation mark is.
Applied when shown, so the stored headline stays as typed (intake matches stories on it)."""

import re

_BEFORE_OPENING = r"(^|[\s(\[{\u2013\u2014/-])"
_DOUBLE_OPEN = re.compile(_BEFORE_OPENING + '"')
_SINGLE_OPEN = re.compile(_BEFORE_OPENING + "'(?!\\d0s)")  # '90s keeps an apostrophe


def curly(text):
    """Straight quotes to typographic ones: “…”, ‘…’ and the apostrophe ’."""
    text = _DOUBLE_OPEN.sub("\\1\u201c", text).replace('"', "\u201d")
    return _SINGLE_OPEN.sub("\\1\u2018", text).replace("'", "\u2019")
