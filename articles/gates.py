"""The trust gates: what must hold before anything the public sees changes.

The checks themselves are articles.readiness' (fidelity to the republication licence, the
do-not-identify register, a helpline for a sensitive story, alt text on every image);
the newsroom actions ask problems() on every change to a public or scheduled article
(and text_problems(), narrowed to the new text, on every comment approval, correction,
tag or callout that shows with one). Here is what they may not skip and who is told what:
- fidelity: an editor with the override_fidelity permission may accept the problems found,
  with a reason, as a TrustOverride row that the gate honours word for word;
- identification: the override is a sign-off on the register entry, with its reason; the
  messages name the entry only to those who may read the register;
- the other blocking checks have no override: the story waits until they are fixed.
Advisory findings (advice()) never hold anything back; the editor is told of them.
"""

from dataclasses import dataclass

from articles import identification, readiness, roles
from articles.models import TrustOverride

FIDELITY = readiness.FIDELITY
IDENTIFICATION = readiness.IDENTIFICATION
# The review steps an article needs before it becomes public (articles.reviews): asked by
# the publishing action only, and never overridable.
REVIEW = "review"


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str

    @property
    def overridable(self):
        return self.rule == FIDELITY

    def __str__(self):
        return self.message


def accepted(article, rule=FIDELITY):
    """The problems editors have accepted for this article, as the gate worded them."""
    if not article.pk:
        return set()
    rows = TrustOverride.objects.filter(article=article, rule=rule).values_list(
        "accepted", flat=True
    )
    return {message for messages in rows for message in messages}


def reveals_register(actor):
    """The gate's messages name a register entry only to those who may read the register."""
    return actor is None or actor.has_perm(roles.VIEW_REGISTER)


def findings(article, actor=None):
    """Every finding on this article as it stands, worded for `actor` (the checks panel)."""
    return readiness.findings(article, reveal=reveals_register(actor), accepted=accepted(article))


def problems(article, actor=None):
    """Everything that keeps this article, as it stands, from the public, worded for
    `actor`."""
    found = readiness.blocking(article, reveal=reveals_register(actor), accepted=accepted(article))
    return [Problem(finding.rule, finding.message) for finding in found]


def advice(article):
    """What the editor is told of the article, which holds nothing back (messages)."""
    return [finding.message for finding in readiness.advice(article)]


def text_problems(article, texts, actor=None):
    """The identification problems of new text shown with the article ((where, text) pairs)."""
    reveal = reveals_register(actor)
    return [
        Problem(IDENTIFICATION, m) for m in identification.problems(article, texts, reveal=reveal)
    ]
