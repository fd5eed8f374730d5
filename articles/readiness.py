"""Is an article ready for readers? Every check on its copy, defined once, as findings.

A finding is blocking (it keeps the article from the public: articles.gates turns it into
a Problem the actions refuse on) or advisory (the editor is told after saving, the publish
audit entry keeps it). The admin's checks panel asks the same functions while the editor
types, so the panel and the gate never disagree.

Blocking:
- identification: an unsigned do-not-identify term appears (articles.identification);
- fidelity: a change the republication licence does not allow (articles.fidelity);
- helpline: a sensitive story, whose page lists the helplines, with none active to list;
- the hero image without alt text: a reader who cannot see it learns nothing of it (the
  house rule, alt text with every image; the form and the database already ask for it,
  and text of spaces alone passes both).
Advisory:
- a body image without alt text: markdownx's upload inserts `![](…)` for the editor to
  fill in, and Markdown or HTML that arrives by intake may be decorative, so the editor is
  told rather than held;
- weak alt text: a file name, a placeholder word ("image", "photo"), too short to say
  anything, or the headline again (readers of alt text hear the headline twice);
- a headline or standfirst over the length the desk advises (settings): the JSON-LD that
  search engines read cuts headlines at 110 characters (articles.metadata), and the
  standfirst is the page's description when the SEO description is empty, which search
  results and social cards cut at a few hundred.
"""

import re
from dataclasses import asdict, dataclass

from django.conf import settings

from articles import fidelity, identification, images
from articles.models import Helpline, TrustOverride

FIDELITY = TrustOverride.Rule.FIDELITY
IDENTIFICATION = "identification"
HELPLINE = "helpline"
ALT_TEXT = "alt-text"
LENGTH = "length"
_HERO = "hero image alt text"

# Alt text this short says nothing a screen reader's "image" does not (a name such as
# "Rishi Sunak" is 11 characters).
MIN_ALT_CHARACTERS = 10
_FILE_NAME = re.compile(
    r"^\S+\.(?:jpe?g|png|gif|webp|avif|heic|tiff?|bmp|svg)$|^(?:img|dsc|dscn|pxl)[-_ ]?\d+",
    re.IGNORECASE,
)
# Words that only say there is an image (with the little words around them).
_PLACEHOLDER_WORDS = {
    "image", "images", "photo", "photos", "photograph", "picture", "pic", "img", "graphic",
    "illustration", "alt", "text", "hero", "thumbnail", "placeholder", "untitled", "a", "an",
    "the", "of", "this", "here", "main", "header",
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    rule: str
    blocking: bool
    message: str
    where: str = ""  # the field or place, as the editor calls it
    passage: str = ""  # the words found, as written, to highlight where they appear

    def as_dict(self):
        return asdict(self)


def findings(article, *, reveal=True, accepted=frozenset()):
    """Every finding on the article as it stands (unsaved values too): blocking first.

    reveal: name register entries (for those who may read the register);
    accepted: fidelity messages an editor has accepted with a reason (they no longer block).
    """
    return [*blocking(article, reveal=reveal, accepted=accepted), *advice(article)]


def blocking(article, *, reveal=True, accepted=frozenset()):
    """The findings that keep the article from the public."""
    return [
        *_fidelity(article, accepted),
        *_identification(article, reveal),
        *_helpline(article),
        *_missing_alt(article),
    ]


def advice(article):
    """The findings the editor is told of, which publish all the same."""
    return [*_weak_alt(article), *_lengths(article)]


def _fidelity(article, accepted):
    for message, change in fidelity.licence_problems(article):
        if message not in accepted:
            passage = change.after.strip('“”"‘’ ')
            yield Finding(FIDELITY, True, message, "body", passage)


def _identification(article, reveal):
    for match in identification.blocking_matches(article):
        yield Finding(
            IDENTIFICATION,
            True,
            identification.problem(match, reveal),
            match.where,
            match.passage,
        )


def _is_sensitive(article):
    """Article.is_sensitive (the switch or a sensitive tag); an unsaved one has no tags yet."""
    return article.is_sensitive if article.pk else article.sensitive


def _helpline(article):
    if _is_sensitive(article) and not Helpline.objects.shown().exists():
        yield Finding(
            HELPLINE,
            True,
            "This is a sensitive story: its page lists support helplines, and no helpline "
            "is active. Add one (or make one active) under Helplines before publishing.",
            "sensitive story",
        )


def _images(article):
    """(where, alt) for the hero and each image in the body (body_html, as derived)."""
    if article.hero_image:
        yield _HERO, article.hero_alt
    for number, (src, alt) in enumerate(images.body_images(article.body_html), start=1):
        yield f"alt text of body image {number} ({src.rsplit('/', 1)[-1]})", alt


def _missing_alt(article):
    if article.hero_image and not article.hero_alt.strip():
        yield Finding(
            ALT_TEXT,
            True,
            "The hero image has no alt text: say what it shows, for readers who cannot see it.",
            _HERO,
        )


def weak_alt_reason(alt, headline):
    """Why the alt text says too little (missing, a file name, ...), or "" when it is sound."""
    text = " ".join(alt.split())
    if not text:
        return "is missing"
    if _FILE_NAME.search(text):
        return "is a file name"
    if set(re.findall(r"\w+", text.casefold())) <= _PLACEHOLDER_WORDS:
        return "only says there is an image, which a screen reader announces already"
    if len(text) < MIN_ALT_CHARACTERS or len(text.split()) < 2:
        return "is too short to say what the image shows"
    if _folded(text) == _folded(headline):
        return "repeats the headline, which readers have just heard"
    return ""


def _folded(text):
    return " ".join(re.findall(r"\w+", text.casefold()))


def _weak_alt(article):
    for where, alt in _images(article):
        if not alt.strip() and where == _HERO:
            continue  # blocking: _missing_alt
        if reason := weak_alt_reason(alt, article.headline):
            shown = f" “{' '.join(alt.split())}”" if alt.strip() else ""
            yield Finding(
                ALT_TEXT, False, f"The {where}{shown} {reason}: describe what it shows.", where
            )


def _lengths(article):
    limits = [
        ("headline", article.headline, settings.STANDFIRST_HEADLINE_ADVISED_CHARS,
         "search engines are given its first 110 characters, and lists and social cards "
         "cut it shorter"),
        ("standfirst", article.standfirst, settings.STANDFIRST_STANDFIRST_ADVISED_CHARS,
         "it is the page's description for search results and social cards (unless the "
         "SEO description is set), which cut it short"),
    ]  # fmt: skip
    for where, text, limit, why in limits:
        length = len(" ".join(text.split()))
        if length > limit:
            yield Finding(
                LENGTH,
                False,
                f"The {where} is {length} characters, over the {limit} advised: {why}.",
                where,
            )
