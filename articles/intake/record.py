"""The one shape every intake format produces, whatever it was read from (no database).

Each parser (text, page, ninjs, NewsML-G2) fills only what its document states; a field it
did not find stays empty, and the review page shows it as not stated.
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles import xmltext
from articles.plaintext import ImportRefused, unescape_markdown

__all__ = ["ImportRefused", "IntakeRecord", "moment", "one_line"]


@dataclass
class IntakeRecord:
    headline: str
    standfirst: str
    body: str  # Markdown, every paragraph escaped (articles.intake.body)
    source_text: str  # the document as received, for the snapshot
    media_type: str = "text/plain"
    promos: list[str] = field(default_factory=list)
    comments_closed: bool = False
    publisher: str = ""
    byline: str = ""
    original_url: str = ""
    guid: str = ""
    original_published_at: datetime | None = None
    original_updated_at: datetime | None = None
    licence: str = ""  # as the document states it: a name, a URL or terms
    image_url: str = ""
    image_credit: str = ""
    corrections: list[str] = field(default_factory=list)  # notes the source publishes

    def __post_init__(self):
        # Text from outside loses what XML cannot carry before anything reads it
        # (articles.xmltext); the snapshot's digest is then the digest of the text it stores.
        for name, value in vars(self).items():
            if isinstance(value, str):
                setattr(self, name, xmltext.clean(value))
        self.promos = [xmltext.clean(promo) for promo in self.promos]
        self.corrections = [xmltext.clean(note) for note in self.corrections]

    def check(self):
        """Refuse a record our article cannot hold, with the reason for the editor. A source
        that states no standfirst has its first paragraph taken as one (as in plain text)."""
        first, _, rest = self.body.partition("\n\n")
        if not self.standfirst and rest and len(first) <= 600 and not first.startswith("#"):
            self.standfirst, self.body = unescape_markdown(first.removeprefix("- ")), rest
        if not self.headline:
            raise ImportRefused("The document has no headline.")
        if len(self.headline) > 200:
            raise ImportRefused("The headline is longer than 200 characters.")
        if not self.body:
            raise ImportRefused("The document has no article text.")
        return self


def one_line(text, limit=None):
    """Whitespace folded to single spaces; None and non-strings become ""."""
    if not isinstance(text, str):
        return ""
    text = " ".join(text.split())
    return text[:limit].rstrip() if limit else text


def moment(value):
    """An ISO 8601 date or date-time as an aware datetime, or None when it is not one."""
    value = one_line(value)
    try:
        found = parse_datetime(value)
        if found is None and (day := parse_date(value[:10])):
            found = datetime.combine(day, time.min)
    except ValueError:
        return None
    if found is None:
        return None
    return found if timezone.is_aware(found) else timezone.make_aware(found)
