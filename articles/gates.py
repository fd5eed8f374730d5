"""The trust gates: what must hold before anything the public sees changes.

Two rules, asked together by the newsroom actions on every change to a public or
scheduled article (and, narrowed to the new text, on every comment approval, correction,
tag or callout that shows with one):
- fidelity: our copy keeps to what the republication licence allows (articles.fidelity);
  an editor with the override_fidelity permission may accept the problems found, with a
  reason, as a TrustOverride row that the gate honours word for word;
- identification: no unsigned do-not-identify term appears (articles.identification); the
  override here is a sign-off on the register entry, with its reason.
"""

from dataclasses import dataclass

from articles import fidelity, identification, roles
from articles.models import TrustOverride

FIDELITY = TrustOverride.Rule.FIDELITY
IDENTIFICATION = "identification"
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


def problems(article, actor=None):
    """Everything that keeps this article, as it stands, from the public, worded for
    `actor`."""
    taken = accepted(article)
    found = [
        Problem(FIDELITY, message)
        for message in fidelity.fidelity_problems(article)
        if message not in taken
    ]
    reveal = reveals_register(actor)
    return found + [
        Problem(IDENTIFICATION, m) for m in identification.problems(article, reveal=reveal)
    ]


def text_problems(article, texts, actor=None):
    """The identification problems of new text shown with the article ((where, text) pairs)."""
    reveal = reveals_register(actor)
    return [
        Problem(IDENTIFICATION, m) for m in identification.problems(article, texts, reveal=reveal)
    ]
