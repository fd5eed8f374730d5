"""Writing an article: create, edit, publish, unpublish, schedule, close or reopen comments,
restore a revision, delete. Every caller (the admin's form and list actions, the importer,
commands, the tests' factories) goes through save(); the verbs load the article afresh,
set what they change and call it.

save() applies, in one place and in this order:
1. the role: who may touch this article (articles.roles), before anything is written;
2. files: a new hero image is stored before the row is locked;
3. the edit-conflict version: one conditional UPDATE, so of two changes made from the same
   version only the first is written;
4. the row and its relations (tags, bylines, inlines: the caller's `relations`);
5. the role again, on the result: only those who may publish change the editors' fields;
6. the trust gates (articles.gates) on every change that leaves the article public or
   scheduled, except the verbs that take content down; their advice goes in the audit
   entry of a publication (or a new scheduled time); and the review steps it needs
   (articles.reviews) when it is about to become public or scheduled;
7. the derived data: the search vector, the old URL's redirect;
8. a revision and the audit entries, naming the actor;
9. the change event, with what integrators are told (articles.notices).
A refusal at any step raises, and the transaction leaves nothing behind.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles import audit, gates, reviews, revisions, roles, search, uploads
from articles.actions import image_rights as image_rights_actions
from articles.actions.base import EditConflict, GateClosed, NotAllowed, Refused, changed, require
from articles.models import Article, ArticlePath, Event, TrustOverride

# Fields whose change is a safeguarding decision, audited as such.
SAFEGUARDING_FIELDS = ("sensitive", "comments_hidden", "social_image_confirmed", "content_note")
# What save() remembers of the stored row, to compare the change against.
_BEFORE_FIELDS = (
    *roles.EDITOR_FIELDS,
    *SAFEGUARDING_FIELDS,
    "version",
    "pub_date",
    "slug",
    "created_by_id",
)
# Left out of the "edited" entry: bookkeeping, derived fields, and what other entries say.
_NOT_AN_EDIT = {
    "version", "updated_at", "body_html", "pub_date", "reading_minutes", "status",
    "published_at", "comments_closed", "comments_closed_reason", "comments_closed_note",
    "comments_closed_at", *SAFEGUARDING_FIELDS,
}  # fmt: skip


@dataclass(frozen=True)
class Override:
    """An editor's explicit decision to publish what the fidelity gate found, and why."""

    reason: str


@dataclass
class _Outcome:
    """What save() did, for the audit log and the change event."""

    events: list = field(default_factory=list)
    gone: list = field(default_factory=list)


def save(
    actor,
    article,
    *,
    expected_version,
    relations=None,
    override=None,
    note="",
    verb="saved",
    gated=True,
    keep_old_path=True,
    legal=False,
    extra_audit=(),
):
    """Create or change one article as `actor`, all or nothing; returns the article.

    article: the instance holding the new field values (a form's, or one loaded and set).
    expected_version: the version the change started from; None only when creating.
    relations: called after the row is written, to write tags, bylines and inlines.
    override: Override(reason), accepting the fidelity problems found (override_fidelity).
    gated: False only for verbs that take content down (unpublish, close comments, redact).
    keep_old_path: False when the old URL must not redirect (it held a redacted name).
    legal: announce the change as a legal one (caches drop it without grace); taking a
        public article down always is.
    extra_audit: (action, detail) pairs the calling verb records with the change.
    """
    creating = article._state.adding
    before = None if creating else _stored(article.pk)
    _check_may_touch(actor, article, creating, before)
    if not creating and expected_version is None:
        raise EditConflict(
            "This change does not say which version of the article it started from. "
            "Reload the page and make it again."
        )
    try:
        written = uploads.store_hero(article)  # before the row is locked
    except uploads.StorageUnavailable as exc:
        raise Refused(str(exc)) from exc
    try:
        with transaction.atomic():
            _claim_version(article, expected_version, creating)
            if creating and not article.created_by_id and getattr(actor, "pk", None):
                article.created_by = actor
            article.save()
            if written and article.hero_rights:
                image_rights_actions.schedule(article.hero_rights)  # its licence's end, if stated
            if relations is not None:
                relations()
            _forget_cached_relations(article)
            _check_role_result(actor, article, before)
            outcome = _Outcome()
            if gated and article.status == Article.Status.PUBLISHED:
                going_public = not _was_public(before)
                _pass_gates(actor, article, override, outcome, review=going_public)
            search.update_search_vector(article)
            _redirect_old_path(article, before, keep_old_path, outcome)
            previous = None if creating else article.revisions.first()
            revisions.keep(article, actor, note)
            edited = _audit(actor, article, before, previous, verb, outcome, extra_audit)
            was_live = before is not None and before["status"] == Article.Status.PUBLISHED
            taken_down = was_live and article.status != Article.Status.PUBLISHED
            changed(
                verb,
                actor,
                articles=[article.pk],
                legal=legal or taken_down,
                gone=outcome.gone,
                events=_events(article, before, edited),
            )
    except BaseException:
        uploads.delete_files(written)
        raise
    return article


def save_unless_held(actor, article, *, expected_version, **kwargs):
    """save(), except that an article to publish which waits for review (and nothing else)
    is saved as a draft instead: an import, a feed's automatic publishing, the demo.
    Returns True when it was held; reviews.outstanding() says what it waits for. A
    "publish now" time is dropped with it; a scheduled one is kept."""
    publishing = article.status == Article.Status.PUBLISHED
    adding = article._state.adding
    try:
        save(actor, article, expected_version=expected_version, **kwargs)
        return False
    except GateClosed as closed:
        if not publishing or any(problem.rule != gates.REVIEW for problem in closed.problems):
            raise
    if adding:  # the refused save was rolled back, the instance still thinks it is stored
        article.pk, article._state.adding = None, True
    # Related rows the refused save cached (its republication record, say) were rolled
    # back too; on PostgreSQL the new row gets a new id, so they must not be reused.
    article._state.fields_cache.clear()
    _forget_cached_relations(article)
    article.status = Article.Status.DRAFT
    if article.published_at and article.published_at <= timezone.now():
        article.published_at = None
    save(actor, article, expected_version=expected_version, **kwargs)
    return True


def _stored(pk):
    row = Article.objects.filter(pk=pk).values(*_BEFORE_FIELDS).first()
    if row is None:
        raise Refused("This article was deleted meanwhile: nothing was saved.")
    return row


def _check_may_touch(actor, article, creating, before):
    if creating:
        require(actor, "articles.add_article", message="You may not create articles.")
        return
    require(actor, "articles.change_article", message="You may not change articles.")
    if not roles.may_change(actor, article, before["status"]):
        raise NotAllowed("Writers may change only their own drafts.")


def _claim_version(article, expected_version, creating):
    """The optimistic lock: one conditional UPDATE, which also holds the row until the
    transaction ends, so of two changes from the same version only the first passes."""
    if creating:
        article.version = 1
        return
    rows = Article.objects.filter(pk=article.pk, version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise EditConflict(
            "Someone else saved this article while you were editing it. Nothing was saved."
        )
    article.version = expected_version + 1


def _forget_cached_relations(article):
    """Relations read after this point are the ones just written, not a prefetch."""
    getattr(article, "_prefetched_objects_cache", {}).clear()
    article.__dict__.pop("_legal_hold", None)


def _check_role_result(actor, article, before):
    """Only those who may publish make an article public or change the editors' fields."""
    if roles.may_publish(actor):
        return
    if article.status != Article.Status.DRAFT:
        raise NotAllowed("Only editors may publish or schedule articles.")
    for name in roles.EDITOR_FIELDS:
        field = Article._meta.get_field(name)
        old = before[name] if before else field.get_default()
        if getattr(article, field.attname) != old:
            raise NotAllowed(f"Only editors may change “{field.verbose_name}”.")


def _was_public(before):
    """Whether readers could see the article as stored (the one rule of what readers see,
    applied to the stored state)."""
    return (
        before is not None
        and Article(
            status=before["status"],
            published_at=before["published_at"],
            expires_at=before["expires_at"],
        ).is_published()
    )


def _pass_gates(actor, article, override, outcome, *, review):
    """The trust gates, and, for an article about to become public (or scheduled), the
    review steps it needs (articles.reviews). A live article's edits pass the gates but not
    the review again: it cannot wait for a lawyer while readers see it, and a correction
    must not; its approvals stop counting, so unpublishing and publishing it again needs them."""
    problems = gates.problems(article, actor)
    if review:
        problems += [gates.Problem(gates.REVIEW, m) for m in reviews.outstanding(article)]
    if not problems:
        return
    if override is None or not all(problem.overridable for problem in problems):
        raise GateClosed(problems)
    require(
        actor,
        roles.OVERRIDE_FIDELITY,
        message="Only an editor who may override the licence check can publish these changes.",
    )
    if not override.reason.strip():
        raise Refused("Give the reason for publishing these changes.")
    accepted = [problem.message for problem in problems]
    TrustOverride.objects.create(
        article=article,
        rule=gates.FIDELITY,
        accepted=accepted,
        reason=override.reason.strip(),
        decided_by=actor if getattr(actor, "pk", None) else None,
    )
    outcome.events.append(
        (audit.Action.GATE_OVERRIDDEN, {"rule": gates.FIDELITY, "accepted": len(accepted),
                                       "reason": override.reason.strip()})
    )  # fmt: skip


def _redirect_old_path(article, before, keep_old_path, outcome):
    """An article that moves keeps its old URL as a redirect, unless told otherwise; an
    article that moves back to an old address no longer redirects from it."""
    current = article.get_absolute_url()
    if article.pub_date:
        ArticlePath.objects.filter(path=current).delete()
    if before is None or not before["pub_date"]:
        return
    previous = Article(pub_date=before["pub_date"], slug=before["slug"]).get_absolute_url()
    if previous == current:
        return
    if keep_old_path:
        ArticlePath.objects.update_or_create(path=previous, defaults={"article": article})
    else:
        ArticlePath.objects.filter(path=previous).delete()
        outcome.gone.append(previous)


def _audit(actor, article, before, previous, verb, outcome, extra_audit):
    """Record what the save did; returns the fields a public article's edit changed."""

    def record(action, **detail):
        audit.record(action, article=article, actor=actor, **detail)

    was_live = before is not None and before["status"] == Article.Status.PUBLISHED
    is_live = article.status == Article.Status.PUBLISHED
    if before is None:
        record(audit.Action.IMPORTED if verb == "imported" else audit.Action.CREATED)
    moved = before is not None and before["published_at"] != article.published_at
    if is_live and (not was_live or moved):
        future = article.published_at > timezone.now()
        advice = gates.advice(article)  # what the editor was told, published all the same
        record(
            audit.Action.SCHEDULED if future else audit.Action.PUBLISHED,
            published_at=article.published_at,
            **({"advice": advice} if advice else {}),
        )
    elif was_live and not is_live:
        record(audit.Action.UNPUBLISHED)
    if before is not None and before["comments_closed"] != article.comments_closed:
        if article.comments_closed:
            record(
                audit.Action.COMMENTS_CLOSED,
                reason=article.comments_closed_reason,
                note=article.comments_closed_note,
            )
        else:
            record(audit.Action.COMMENTS_OPENED)
    if before is not None:
        settings = [f for f in SAFEGUARDING_FIELDS if before[f] != getattr(article, f)]
        if settings:
            record(audit.Action.SAFEGUARDING_CHANGED, settings=settings)
    fields = []
    if was_live and is_live and previous is not None:
        fields = _changed_fields(previous, article)
        if fields:
            record(audit.Action.EDITED, fields=fields)
    for action, detail in [*outcome.events, *extra_audit]:
        record(action, **detail)
    return fields


def _events(article, before, edited):
    """What integrators hear of this save: only what readers saw or will see, never a
    draft. A publication (or a new scheduled time) is announced when it goes public."""
    was_public = _was_public(before)
    live = article.status == Article.Status.PUBLISHED
    newly = before is None or before["status"] != Article.Status.PUBLISHED
    rescheduled = before is not None and before["published_at"] != article.published_at
    events = []
    if live and not was_public and (newly or rescheduled):
        events.append((Event.PUBLISHED, article.pk, {}))
    elif was_public and not live:
        events.append((Event.UNPUBLISHED, article.pk, {}))
    elif was_public and article.is_published() and edited:
        events.append((Event.UPDATED, article.pk, {}))
    closed = before is not None and not before["comments_closed"] and article.comments_closed
    legally = article.comments_closed_reason == Article.CommentsClosedBy.LEGAL
    if closed and legally and article.is_published():
        events.append((Event.COMMENTS_CLOSED, article.pk, {}))
    return events


def _changed_fields(previous, article):
    """The fields and relations that differ from the previous revision."""
    latest = article.revisions.first()
    old, new = previous.data, latest.data
    return sorted(
        k for k in set(old) | set(new) if k not in _NOT_AN_EDIT and old.get(k) != new.get(k)
    )


# The verbs ------------------------------------------------------------------------------


def _fresh(article):
    """The article as stored now: a verb changes what is there, not a stale copy."""
    return Article.objects.get(pk=article.pk)


def publish(actor, article):
    """Publish now, keeping a scheduled time if the article has one."""
    require(actor, roles.PUBLISH, message="Only editors may publish articles.")
    article = _fresh(article)
    article.status = Article.Status.PUBLISHED
    article.published_at = article.published_at or timezone.now()
    return save(actor, article, expected_version=article.version, verb="published")


def schedule(actor, article, at):
    require(actor, roles.PUBLISH, message="Only editors may schedule articles.")
    if at <= timezone.now():
        raise Refused("A scheduled time must be in the future.")
    article = _fresh(article)
    article.status, article.published_at = Article.Status.PUBLISHED, at
    return save(actor, article, expected_version=article.version, verb="scheduled")


def unpublish(actor, article):
    """Back to draft. Never held back by a trust gate: taking content down always may."""
    require(actor, roles.PUBLISH, message="Only editors may unpublish articles.")
    article = _fresh(article)
    article.status = Article.Status.DRAFT
    return save(actor, article, expected_version=article.version, verb="unpublished", gated=False)


def close_comments(actor, article, *, reason=Article.CommentsClosedBy.EDITOR, note=""):
    require(actor, roles.PUBLISH, message="Only editors may close comments on an article.")
    article = _fresh(article)
    if article.comments_closed:
        return article
    article.comments_closed = True
    article.comments_closed_reason = reason
    article.comments_closed_note = note
    article.comments_closed_at = timezone.now()
    return save(
        actor, article, expected_version=article.version, verb="comments_closed", gated=False
    )


def reopen_comments(actor, article):
    """Reopen what an editor closed. Comments closed for legal reasons stay closed: an
    active legal hold is lifted on its own page, and a legal closure in the form."""
    require(actor, roles.PUBLISH, message="Only editors may open comments on an article.")
    article = _fresh(article)
    if hold := article.legal_hold():
        raise Refused(f"Comments on “{article}” are held by the legal hold on {hold.tag}.")
    if article.comments_closed_reason == Article.CommentsClosedBy.LEGAL:
        raise Refused(f"Comments on “{article}” were closed for legal reasons.")
    if not article.comments_closed:
        return article
    article.comments_closed = False
    article.comments_closed_reason = ""
    article.comments_closed_note = ""
    article.comments_closed_at = None
    return save(
        actor, article, expected_version=article.version, verb="comments_opened", gated=False
    )


def restore(actor, article, revision):
    """Bring back an old revision's content as a new revision. The publishing state and
    the URL never change; a writer's restore leaves the editors' fields as they are."""
    article = _fresh(article)
    if revision.article_id != article.pk:
        raise Refused("That revision belongs to another article.")
    skip = () if roles.may_publish(actor) else roles.EDITOR_FIELDS
    kept = revisions.apply_fields(article, revision, skip=skip)
    return save(
        actor,
        article,
        expected_version=article.version,
        relations=lambda: revisions.apply_relations(article, revision),
        note=f"Restored revision {revision.number}",
        verb="restored",
        extra_audit=[(audit.Action.REVISION_RESTORED, {"revision": revision.number, "kept": kept})],
    )


def delete(actor, article):
    """Delete an article with its comments, records and revisions; its audit entries stay,
    without the link. A public article taken down this way is purged as a legal change."""
    require(actor, "articles.delete_article", message="You may not delete articles.")
    stored = _stored(article.pk)
    if not roles.may_change(actor, article, stored["status"]):
        raise NotAllowed("Writers may delete only their own drafts.")
    with transaction.atomic():
        url = article.get_absolute_url() if stored["pub_date"] else None
        pk = article.pk
        audit.record(audit.Action.DELETED, article=article, actor=actor, article_id=pk)
        article.delete()
        live = stored["status"] == Article.Status.PUBLISHED
        public = live and stored["published_at"] <= timezone.now()
        facts = {"url": url, "headline": article.headline}
        changed(
            "deleted",
            actor,
            articles=[pk],
            legal=live,
            gone=[url] if url else [],
            events=[(Event.UNPUBLISHED, pk, facts)] if public else [],
        )
