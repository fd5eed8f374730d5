"""The one matcher for protected names: the do-not-identify scan and redaction agree on it.

A name matches as whole words, in any case, with or without accents ("Zoë" finds "ZOE"),
with spaces, hyphens or underscores between its words (so "amanda-hutton.jpg" holds
"Amanda Hutton"). Both the scan (articles.identification) and the substitution
(articles.actions.redaction) use name_pattern(), so they never disagree about what the
name is.
"""

import re
import unicodedata
from functools import cache, lru_cache

from django.utils.text import slugify

_SEPARATORS = r"[\s\-_]+"


@cache
def _variants():
    """Each plain Latin letter with its accented forms: "e" -> {"e", "é", "è", ...}."""
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base.isalpha():
            table.setdefault(base.lower(), {base.lower()}).add(char.lower())
    return table


def _letter(char):
    base = unicodedata.normalize("NFKD", char)[0].lower()
    variants = _variants().get(base, {char.lower()}) | {char.lower()}
    return "[" + "".join(re.escape(v) for v in sorted(variants)) + "]"


@lru_cache(maxsize=1024)
def name_pattern(name):
    """A compiled pattern finding `name` in raw text (see the module docstring)."""
    words = ["".join(_letter(c) for c in word) for word in re.split(_SEPARATORS, name.strip())]
    # A letter or digit on either side means another word; an underscore does not.
    return re.compile(r"(?<![^\W_])" + _SEPARATORS.join(words) + r"(?![^\W_])", re.IGNORECASE)


def file_words(name):
    """A file name as words: "uploads/jamie_brookes-2.jpg" -> "uploads jamie brookes 2 jpg"."""
    return re.sub(r"[-_./\\]+", " ", name)


def finds(names, text):
    """True when any of the names occurs in the text."""
    return any(name_pattern(n).search(text) for n in names if n.strip())


class Substitution:
    """Replaces every name (longest first) in a text; URLs, slugs and file names get a slug."""

    def __init__(self, names, replacement):
        self.names = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
        self.replacement = replacement
        self._patterns = [name_pattern(n) for n in self.names]

    def __call__(self, text, *, slug=False):
        replacement = (slugify(self.replacement) or "redacted") if slug else self.replacement
        for pattern in self._patterns:
            text = pattern.sub(replacement, text)
        return text

    def finds(self, text):
        return any(pattern.search(text) for pattern in self._patterns)
