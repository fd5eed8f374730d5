"""Review before publishing: send an article for review, approve a step or ask for
changes, send a lawyer a sign-off link (or revoke it), and take the lawyer's decision
from it.

Private to the newsroom (no change event: nothing public changes until an editor
publishes, and publishing asks articles.reviews.outstanding()). Every decision is audited
with the step, the comment and the revision it applied to. A decision is a person's: a
staff user in the admin, or the lawyer holding a sign-off link (recorded by name, through
the link); a system actor never takes one.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import audit, reviews, roles, signoff
from articles.actions.base import NotAllowed, Refused, require
from articles.actors import SystemActor, user_of
from articles.models import Article, ReviewDecision, SignOffLink

Outcome = ReviewDecision.Outcome
logger = logging.getLogger(__name__)
COMMENT_LIMIT = 4000
DEFAULT_LINK_DAYS = 3


def _locked(article):
    """The article as stored, its row held until the decision commits: two decisions on
    one step cannot both be taken on the same content."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _latest_revision(article):
    latest = article.revisions.first()
    return latest.number if latest else 0


def _clean_comment(comment, *, required):
    comment = (comment or "").strip()
    if required and not comment:
        raise Refused("Say what should change: a request for changes needs a comment.")
    if len(comment) > COMMENT_LIMIT:
        raise Refused(f"A comment holds up to {COMMENT_LIMIT} characters; this has {len(comment)}.")
    return comment


def _step(review, name):
    state = next((s for s in review.steps if s.step.name == name), None)
    if state is None:
        raise Refused(f"This article has no “{name}” step to decide.")
    return state


def _check_turn(review, state, seen_digest):
    """A step is decided in its turn, on the content the reviewer read."""
    if seen_digest is not None and seen_digest != review.digest:
        raise Refused(
            "The article changed after you opened it: nothing was recorded. Read it again "
            "and decide on what it says now."
        )
    if review.current is not state:
        if state.approved:
            raise Refused(f"{state.step.name} has already approved this version.")
        raise Refused(
            f"{review.current.step.name} decides first: the steps go in order "
            f"({', '.join(s.step.name for s in review.steps)})."
        )


def _record(article, actor, state, outcome, comment, review, link=None):
    decision = ReviewDecision.objects.create(
        article=article,
        step=state.step.name if state else "",
        kind=state.step.kind if state else "",
        outcome=outcome,
        comment=comment,
        decided_by=user_of(actor),
        link=link,
        digest=review.digest,
        revision=_latest_revision(article),
    )
    action = {
        Outcome.SUBMITTED: audit.Action.REVIEW_SUBMITTED,
        Outcome.APPROVED: audit.Action.REVIEW_APPROVED,
        Outcome.CHANGES: audit.Action.REVIEW_CHANGES_REQUESTED,
    }[outcome]
    detail = {"step": decision.step, "revision": decision.revision, "version": article.version}
    if link is not None:
        detail |= {"link": link.pk, "reviewer": link.recipient_name}
    if not article.do_not_identify.exists():  # the audit log never holds a register term
        detail["comment"] = comment
    audit.record(action, article=article, actor=actor, **detail)
    return decision


def submit(actor, article, comment=""):
    """Send the article for review: whoever may change it (a writer their own draft)."""
    require(actor, "articles.change_article", message="You may not send articles for review.")
    comment = _clean_comment(comment, required=False)
    with transaction.atomic():
        article = _locked(article)
        if not roles.may_change(actor, article, article.status):
            raise NotAllowed("Writers may send only their own drafts for review.")
        review = reviews.review_of(article)
        if not review.steps:
            raise Refused("This article needs no review: its section has no review steps.")
        if review.complete:
            raise Refused("Every step has approved this version already: it is ready to publish.")
        return _record(article, actor, None, Outcome.SUBMITTED, comment, review)


def decide(actor, article, step_name, outcome, comment="", seen_digest=None):
    """Approve a step, or ask for changes, as a person who may decide it."""
    if outcome not in (Outcome.APPROVED, Outcome.CHANGES):
        raise Refused("Choose approve or request changes.")
    comment = _clean_comment(comment, required=outcome == Outcome.CHANGES)
    if user_of(actor) is None or not actor.is_staff:
        raise NotAllowed("Only a person on the staff decides a review step.")
    with transaction.atomic():
        article = _locked(article)
        review = reviews.review_of(article)
        state = _step(review, step_name)
        if not reviews.may_decide(actor, state.step):
            who = "the legal role" if state.step.is_legal else "editors who may publish"
            raise NotAllowed(f"Only {who} may decide the {state.step.name} step.")
        _check_turn(review, state, seen_digest)
        return _record(article, actor, state, outcome, comment, review)


def send_sign_off_link(actor, article, *, name, email, days=None):
    """Email a lawyer without an account a link to decide the legal step, once.

    The link is only ever emailed (never shown in the admin), so nobody who sends it can
    approve in the lawyer's name. The email carries no newsroom text: mail leaves our
    systems, where a redaction cannot follow it.
    """
    require(actor, roles.PUBLISH, message="Only editors may send a sign-off link.")
    if user_of(actor) is None:
        raise NotAllowed("Only a person sends a sign-off link.")
    name, email = (name or "").strip(), (email or "").strip()
    if not name or not email:
        raise Refused("Give the name and email address of the person who will sign it off.")
    longest = settings.STANDFIRST_SIGN_OFF_MAX_AGE / 86400
    days = DEFAULT_LINK_DAYS if days is None else days
    if not 0 < days <= longest:
        raise Refused(f"A sign-off link lasts at most {longest:g} days.")
    with transaction.atomic():
        article = _locked(article)
        review = reviews.review_of(article)
        state = next((s for s in review.steps if s.step.is_legal), None)
        if state is None:
            raise Refused("This article has no legal step: nobody needs to sign it off.")
        _check_turn(review, state, None)
        now = timezone.now()
        link = SignOffLink(
            article=article,
            step=state.step.name,
            recipient_name=name[:120],
            recipient_email=email,
            created_by=user_of(actor),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        try:
            link.full_clean(exclude=["article", "created_by"])
        except ValidationError as invalid:
            raise Refused(*invalid.messages) from invalid
        link.save()
        audit.record(
            audit.Action.SIGN_OFF_LINK_SENT,
            article=article,
            actor=actor,
            link=link.pk,
            step=link.step,
            reviewer=link.recipient_name,
            email=link.recipient_email,
            expires_at=link.expires_at,
            revision=_latest_revision(article),
        )
        try:  # inside the transaction: no link exists that its reader was never sent
            send_mail(
                f"Please review an article for {signoff.publication_name()}",
                f"{link.created_by.get_username()} asks you to read an article before it is "
                f"published, and to approve it or ask for changes.\n\n{signoff.url(link)}\n\n"
                f"The link works once, until {link.expires_at:%d %B %Y %H:%M} UTC.\n",
                None,
                [link.recipient_email],
            )
        except Exception as exc:
            raise Refused(f"The email could not be sent ({exc}): no link was made.") from exc
    return link


def revoke_sign_off_link(actor, link):
    """Stop a link working before it is used (sent to the wrong address, say)."""
    require(actor, roles.PUBLISH, message="Only editors may revoke a sign-off link.")
    with transaction.atomic():
        if not SignOffLink.objects.usable().filter(pk=link.pk).update(revoked=True):
            raise Refused("This link has been used, has expired or was revoked already.")
        audit.record(
            audit.Action.SIGN_OFF_LINK_REVOKED,
            article=link.article,
            actor=actor,
            link=link.pk,
            reviewer=link.recipient_name,
        )
    return link


def decide_by_link(link, outcome, comment="", seen_digest=None):
    """The lawyer's decision from their link: taken once, on the content they read."""
    if outcome not in (Outcome.APPROVED, Outcome.CHANGES):
        raise Refused("Choose approve or request changes.")
    comment = _clean_comment(comment, required=outcome == Outcome.CHANGES)
    actor = SystemActor("sign-off link")
    with transaction.atomic():
        claimed = SignOffLink.objects.usable().filter(pk=link.pk)
        if not claimed.update(used_at=timezone.now()):
            raise Refused("This link has been used or has expired: nothing was recorded.")
        link.refresh_from_db()
        article = _locked(link.article)
        review = reviews.review_of(article)
        state = _step(review, link.step)
        _check_turn(review, state, seen_digest)
        decision = _record(article, actor, state, outcome, comment, review, link=link)
        transaction.on_commit(lambda: _tell_sender(decision))
        return decision


def _tell_sender(decision):
    """Email whoever sent the link that the lawyer has decided (no article text: mail
    cannot be redacted). The decision is stored already; a failed email is only logged."""
    link = decision.link
    if not link.created_by or not link.created_by.email:
        return
    url = settings.SITE_URL + reverse("admin:articles_article_change", args=[link.article_id])
    verb = "approved" if decision.outcome == Outcome.APPROVED else "asked for changes to"
    try:
        send_mail(
            f"{link.recipient_name} {verb} an article you sent for sign-off",
            f"{link.recipient_name} {verb} the article you sent them for sign-off.\n\n"
            f"Read their decision in the newsroom: {url}#review\n",
            None,
            [link.created_by.email],
        )
    except Exception:
        logger.exception("The email telling the sender of sign-off link %s failed", link.pk)
