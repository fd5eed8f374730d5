"""Fidelity to the source: what changed between the source snapshot and our copy.

Every difference is classified as one of
- "quote": inside quotation marks (“…”, ‘…’, "…") attributed to a speaker in the same
  paragraph (a speech verb with a name, a pronoun or "the <noun>");
- "style": time, place and style only (date and number formats, spelling variants,
  case, punctuation, whitespace, relative time words);
- "substantive": anything else.
A licence that allows no edits tolerates no difference; time/place/style tolerates only
"style". The trust gates (articles.gates) ask fidelity_problems() on every public change.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from articles import intake
from articles.intake.fetch import MEDIA_TYPES
from articles.plaintext import ImportRefused, parse

QUOTE = "quote"
STYLE = "style"
SUBSTANTIVE = "substantive"

# A quotation: curly double (closing may be left off at a paragraph's end, as in
# multi-paragraph quotes), curly single (an apostrophe inside a word does not close it),
# or straight double.
_QUOTE = re.compile(r"“[^”]*(?:”|$)|‘[^‘]*?’(?!\w)|\"[^\"\n]*\"")
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|called|calls|described|describes|warned|warns|"
    r"stated|states|explained|explains|according to|asked|asks|wrote|writes|insisted|insists|"
    r"argued|argues|claimed|claims|suggested|suggests|commented)\b",
    re.IGNORECASE,
)
_SPEAKER = re.compile(
    r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+|\b(?:he|she|they|He|She|They)\b|\b[Tt]he\s+\w+"
)
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[”’\"]?\s+")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_\[\]#>+\-.)!])")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+(?:of\s+)?{_MONTH}\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})\b")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_TIME = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
# British spellings we keep; American variants normalise to them.
_SPELLINGS = {
    "color": "colour",
    "honor": "honour",
    "behavior": "behaviour",
    "neighbor": "neighbour",
    "labor": "labour",
    "favor": "favour",
    "center": "centre",
    "program": "programme",
    "judgment": "judgement",
    "defense": "defence",
    "offense": "offence",
    "license": "licence",
    "practice": "practise",
    "enrollment": "enrolment",
    "fulfill": "fulfil",
    "aging": "ageing",
    "pediatric": "paediatric",
    "anesthetic": "anaesthetic",
    "gray": "grey",
    "toward": "towards",
}
# Words a time or place edit may add, drop or swap ("yesterday" → "on Monday").
_TIME_WORDS = set(_MONTHS) | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "yesterday", "today", "tonight", "tomorrow", "last", "this", "next", "week", "weekend",
    "month", "year", "ago", "earlier", "later", "morning", "afternoon", "evening", "night",
    "on", "in", "at", "the", "of", "am", "pm",
}  # fmt: skip


@dataclass(frozen=True)
class Change:
    kind: str
    before: str
    after: str

    def describe(self):
        label = {QUOTE: "Quote changed", STYLE: "Style change", SUBSTANTIVE: "Change"}[self.kind]
        return f"{label}: {_quoted(self.before)} → {_quoted(self.after)}"


def _quoted(text):
    """The passage in quotation marks, once: a quote keeps its own."""
    if not text:
        return "(nothing)"
    if text[0] in '“"‘' and text[-1] in '”"’':
        return text
    return f"“{text}”"


def unmarkdown(text):
    """Our Markdown body as the plain prose a source file holds."""
    text = _MARKDOWN_LINK.sub(r"\1", text)
    return _MARKDOWN_ESCAPE.sub(r"\1", text).replace("&lt;", "<")


def copy_paragraphs(article):
    """Our current copy: headline, standfirst and body paragraphs, as plain text."""
    return [article.headline, article.standfirst, *_body_paragraphs(article.body)]


def _body_paragraphs(markdown):
    body = [p.strip() for p in re.split(r"\n\s*\n", unmarkdown(markdown)) if p.strip()]
    return [" ".join(p.split()) for p in body]


def source_paragraphs(text, media_type="text/plain"):
    """The snapshot's story parts, without the source site's trailer; a page, ninjs or
    NewsML-G2 snapshot is read again by its intake parser (articles.intake), so the
    comparison is with the story it held, not its markup."""
    if media_type in MEDIA_TYPES and MEDIA_TYPES[media_type] != "text":
        try:
            record = intake.read(text.encode("utf-8"), MEDIA_TYPES[media_type])
        except ImportRefused:
            return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return [record.headline, record.standfirst, *_body_paragraphs(record.body)]
    try:
        parsed = parse(text)
    except ImportRefused:
        return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [parsed.headline, parsed.standfirst, *parsed.paragraphs]


def attributed_quotes(paragraph):
    """Character spans of the quotations in a paragraph that a speaker is credited with."""
    spans = []
    for match in _QUOTE.finditer(paragraph):
        context = paragraph[: match.start()] + " " + paragraph[match.end() :]
        context = _QUOTE.sub(" ", context)
        if _SPEECH.search(context) and _SPEAKER.search(context):
            spans.append((match.start(), match.end()))
    return spans


def _fold_dates(text):
    text = _DAY_MONTH_YEAR.sub(lambda m: f"{m[3]}-{_MONTHS[m[2]]:02d}-{int(m[1]):02d}", text)
    text = _MONTH_DAY_YEAR.sub(lambda m: f"{m[3]}-{_MONTHS[m[1]]:02d}-{int(m[2]):02d}", text)
    text = _NUMERIC_DATE.sub(lambda m: f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}", text)
    text = _DAY_MONTH.sub(lambda m: f"{_MONTHS[m[2]]:02d}-{int(m[1]):02d}", text)
    return _MONTH_DAY.sub(lambda m: f"{_MONTHS[m[1]]:02d}-{int(m[2]):02d}", text)


def _fold_time(match):
    hour = int(match[1]) % 12 + (12 if match[3].startswith("p") else 0)
    return f"{hour:02d}:{match[2] or '00'}"


def _fold_word(word):
    word = _NUMBER_WORDS.get(word, word)
    word = _SPELLINGS.get(word, word)
    word = re.sub(r"iz(e|es|ed|ing|ation|ations)$", r"is\1", word)
    return re.sub(r"yz(e|es|ed|ing)$", r"ys\1", word)


def normalise(text):
    """Text with every time/place/style difference folded away, as a list of words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ORDINAL.sub(r"\1", text)
    text = _THOUSANDS.sub("", text)
    text = text.replace("per cent", "%").replace("percent", "%")
    text = _TIME.sub(_fold_time, text)
    text = _fold_dates(text)
    words = re.findall(r"\d{4}-\d\d-\d\d|\d\d-\d\d|\d\d:\d\d|[\w%]+", text)
    return [_fold_word(word) for word in words]


def _only_time_words(before, after):
    """True when two normalised word lists differ only by relative time and place words."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal" and not set(before[i1:i2] + after[j1:j2]) <= _TIME_WORDS:
            return False
    return True


def _sentence_at(paragraph, position):
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        if match.end() > position:
            return paragraph[start : match.end()].strip()
        start = match.end()
    return paragraph[start:].strip()


def _tokens(text):
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _overlapping(spans, start, end):
    return next((s for s in spans if s[0] < max(end, start + 1) and start < s[1]), None)


def _compare_paragraphs(old, new):
    """The changes between two versions of one paragraph."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    old_quotes, new_quotes = attributed_quotes(old), attributed_quotes(new)
    matcher = difflib.SequenceMatcher(
        None, [t[0] for t in old_tokens], [t[0] for t in new_tokens], autojunk=False
    )
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        o_start = old_tokens[i1][1] if i1 < len(old_tokens) else len(old)
        o_end = old_tokens[i2 - 1][2] if i2 > i1 else o_start
        n_start = new_tokens[j1][1] if j1 < len(new_tokens) else len(new)
        n_end = new_tokens[j2 - 1][2] if j2 > j1 else n_start
        old_quote = _overlapping(old_quotes, o_start, o_end)
        new_quote = _overlapping(new_quotes, n_start, n_end)
        if old_quote or new_quote:
            before = old[old_quote[0] : old_quote[1]] if old_quote else old[o_start:o_end]
            after = new[new_quote[0] : new_quote[1]] if new_quote else new[n_start:n_end]
            changes.append(Change(QUOTE, before, after))
            continue
        before, after = _sentence_at(old, o_start), _sentence_at(new, n_start)
        a, b = normalise(before), normalise(after)
        kind = STYLE if a == b or _only_time_words(a, b) else SUBSTANTIVE
        changes.append(Change(kind, before, after))
    if not changes and old != new:  # only whitespace differs
        changes.append(Change(STYLE, old, new))
    return list(dict.fromkeys(changes))


def compare(source, copy):
    """Every change from the source paragraphs to our copy's paragraphs, classified."""
    matcher = difflib.SequenceMatcher(None, source, copy, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for old, new in zip(source[i1:i2], copy[j1:j2], strict=True):
                changes.extend(_compare_paragraphs(old, new))
        elif tag == "replace":
            changes.extend(_compare_paragraphs(" ".join(source[i1:i2]), " ".join(copy[j1:j2])))
        else:
            for paragraph in source[i1:i2] + copy[j1:j2]:
                removed = tag == "delete"
                kind = QUOTE if attributed_quotes(paragraph) else SUBSTANTIVE
                changes.append(
                    Change(kind, paragraph if removed else "", "" if removed else paragraph)
                )
    return changes


def article_changes(article):
    """Changes between the latest source snapshot and the article as it stands (unsaved too)."""
    snapshot = article.source_snapshots.first() if article.pk else None
    if snapshot is None:
        return []
    return compare(source_paragraphs(snapshot.text, snapshot.media_type), copy_paragraphs(article))


def licence_problems(article):
    """(message, change) for each change the republication licence does not allow."""
    record = article.republication_record if article.pk else None
    if record is None or record.allowed_edits == record.Edits.ANY:
        return []
    changes = article_changes(article)
    if record.allowed_edits == record.Edits.TIME_PLACE_STYLE:
        changes = [c for c in changes if c.kind != STYLE]
        allowed = "time, place and style edits only"
    else:
        allowed = "no edits"
    return [
        (f"The licence from {record.publisher} allows {allowed}. {change.describe()}", change)
        for change in changes
    ]


def fidelity_problems(article):
    """Messages naming each change the republication licence does not allow; empty if none."""
    return [message for message, _ in licence_problems(article)]
