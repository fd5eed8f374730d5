"""Which reviews an article needs before it is published, and where it stands in them.

The steps are its section's workflow (articles.models.reviews), in order, plus a legal
step whenever a rule asks for one and the workflow has none:
- a sensitive story (articles.models.Article.is_sensitive);
- a name on its do-not-identify register in its text, signed off or not (a sign-off lets
  the name stand; a lawyer still reads the story);
- an active legal hold on one of its tags;
- a republished piece whose licence allows no edits (its republication record's allowed
  edits, the one place that says what the licence lets us change).

A step counts as approved only by its latest decision on the content as it stands now:
each decision stores a digest of the article's content (content_digest), so an edit after
an approval, of the text, the images, the tags or the bylines, leaves that step waiting
again. Publishing, scheduling or featuring is not content and changes nothing here.

The newsroom actions ask outstanding() when an article is about to become public
(articles.actions.articles) and record every decision (articles.actions.reviews).
"""

import hashlib
import json
from dataclasses import dataclass, field

from articles import identification, revisions, roles
from articles.models import Republication, ReviewDecision, WorkflowStep

LEGAL = WorkflowStep.Kind.LEGAL
LEGAL_STEP_NAME = "Legal"
# Not content: bookkeeping, the publishing state and placement. A change to these leaves
# an approval standing.
_NOT_CONTENT = {
    *revisions.NOT_RESTORED,
    "featured",
    "comments_closed",
    "comments_closed_reason",
    "comments_closed_note",
    "comments_closed_at",
    "hero_renditions",
}


@dataclass(frozen=True)
class Step:
    name: str
    kind: str
    reasons: tuple = ()

    @property
    def is_legal(self):
        return self.kind == LEGAL


@dataclass
class StepState:
    step: Step
    decision: object = None  # the latest ReviewDecision on the current content, if any
    stale: object = None  # the latest decision on earlier content, if any

    @property
    def approved(self):
        return (
            self.decision is not None and self.decision.outcome == ReviewDecision.Outcome.APPROVED
        )

    @property
    def changes_requested(self):
        return self.decision is not None and self.decision.outcome == ReviewDecision.Outcome.CHANGES


@dataclass
class Review:
    steps: list = field(default_factory=list)
    submitted: object = None  # the latest submission
    digest: str = ""

    @property
    def waiting(self):
        """The steps not yet approved on this content, in order."""
        return [state for state in self.steps if not state.approved]

    @property
    def current(self):
        """The step whose decision is due next, or None when every step is approved."""
        return self.waiting[0] if self.waiting else None

    @property
    def complete(self):
        return not self.waiting

    def summary(self):
        if not self.steps:
            return "No review needed"
        current = self.current
        if current is None:
            return "Approved: ready to publish"
        if current.changes_requested:
            return f"Changes requested at {current.step.name}"
        if current.stale is not None and current.stale.outcome == ReviewDecision.Outcome.APPROVED:
            return f"Edited since {current.step.name} approved: waiting for {current.step.name}"
        if self.submitted is None:
            return f"Not sent for review: needs {', '.join(s.step.name for s in self.waiting)}"
        return f"In review: waiting for {current.step.name}"


def legal_reasons(article):
    """Why the rules require a legal read of this article, worded for the desk (a register
    match is named as such, never by the entry)."""
    reasons = []
    if article.is_sensitive:
        reasons.append("a sensitive story")
    if article.pk and identification.scan(article):
        reasons.append("it names someone on its do-not-identify register")
    if article.pk and article.legal_hold():
        reasons.append("a legal hold on one of its tags")
    record = article.republication_record if article.pk else None
    if record is not None and record.allowed_edits == Republication.Edits.NONE:
        reasons.append("republished under a licence that allows no edits")
    return tuple(reasons)


def required_steps(article):
    """The steps, in order: the section's workflow, then the legal step the rules ask for."""
    steps = []
    workflow_id = article.section.workflow_id if article.section_id else None
    if workflow_id:
        steps = [
            Step(s.name, s.kind)
            for s in WorkflowStep.objects.filter(workflow_id=workflow_id).order_by("position", "id")
        ]
    reasons = legal_reasons(article)
    if reasons:
        legal = next((s for s in steps if s.is_legal), None)
        if legal is None:
            steps.append(Step(LEGAL_STEP_NAME, LEGAL, reasons))
        else:
            steps[steps.index(legal)] = Step(legal.name, LEGAL, reasons)
    return steps


def _plain(value):
    """Text as a reader sees it: a browser sends line breaks as CRLF, and a form's save
    must not count as an edit for that."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def content_digest(data):
    """The fingerprint of an article's content, from revisions.snapshot()-shaped data."""
    content = {key: _plain(value) for key, value in data.items() if key not in _NOT_CONTENT}
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def digest_of(article):
    """The digest of the article as it stands: its fields as given, its relations as stored
    (the actions ask it inside a save, after the relations are written)."""
    return content_digest(revisions.snapshot(article))


def review_of(article):
    """Where the article stands: each required step with its latest decision."""
    digest = digest_of(article)
    decisions = list(article.review_decisions.select_related("decided_by", "link"))
    review = Review(digest=digest)
    review.submitted = next(
        (d for d in decisions if d.outcome == ReviewDecision.Outcome.SUBMITTED), None
    )
    for step in required_steps(article):
        mine = [d for d in decisions if d.step == step.name and d.outcome != "submitted"]
        current = next((d for d in mine if d.digest == digest), None)
        stale = next((d for d in mine if d.digest != digest), None)
        review.steps.append(StepState(step, current, stale))
    return review


def outstanding(article):
    """Messages for every required step not approved on the article as it now stands."""
    review = review_of(article)
    messages = []
    for state in review.waiting:
        why = f" ({'; '.join(state.step.reasons)})" if state.step.reasons else ""
        if state.changes_requested:
            messages.append(
                f"{state.step.name} asked for changes{why}: make them and send it for review again."
            )
        else:
            messages.append(
                f"Needs the {state.step.name} step's approval before it is published{why}."
            )
    return messages


def may_decide(actor, step):
    """Who may approve a step or ask for changes in the admin (a lawyer without an account
    decides a legal step by link instead)."""
    if step.is_legal:
        return actor.has_perm(roles.APPROVE_LEGAL)
    return roles.may_publish(actor)
