"""Source watch: the worker re-reads each republished original and tells the desk what it did.

When: originals are corrected or taken down mostly in their first hours, less in the
following weeks, and a legal takedown can still come months later; so a check is hourly in
the original's first day, daily in its first month, weekly after, and never stops. Every
request is conditional (ETag / Last-Modified): an unchanged original costs a 304.

What: the original as intake reads it now (headline, standfirst, body, its JSON-LD
correction notes) against the latest snapshot we hold, read the same way; never the raw
bytes, whose scripts and advertising change daily and are no news. One alert per check,
the gravest finding first: gone (404 or 410), a new correction note, a changed text (with
a diff). Any other failure (a 500, a timeout, a refused answer) is no finding: the check is
retried sooner, 5 minutes doubling up to the usual interval, and shown as the watch's last
error. An article that was redacted is watched for a takedown only: the original still
holds the name, and neither a new snapshot nor a diff may bring it back.
"""

import difflib
from datetime import timedelta

from django.utils import formats, timezone

from articles import intake
from articles.actions import sourcealerts
from articles.actors import SystemActor
from articles.intake.fetch import MEDIA_TYPES, FetchRefused, fetch
from articles.models import SourceAlert, SourceSnapshot, SourceWatch
from articles.plaintext import unescape_markdown
from articles.tasks import retried

SOURCE_WATCH = SystemActor("source watch")
RETRY = timedelta(minutes=5)
CLAIM = timedelta(minutes=10)  # how long a running check holds its watch
GONE = {404, 410}


def interval(published_at, now):
    """The time between two checks of an original first published at `published_at`."""
    age = now - published_at
    if age < timedelta(days=1):
        return timedelta(hours=1)
    if age < timedelta(days=30):
        return timedelta(days=1)
    return timedelta(weeks=1)


def watch(republication):
    """Watch a republication's original (called when its record is saved): the first check
    is queued with the change, so it exists only if the change commits. Saving the record
    again also requeues a watch whose check is overdue (its run failed every retry)."""
    if not republication.original_url:
        return
    now = timezone.now()
    state, created = SourceWatch.objects.get_or_create(
        republication=republication,
        defaults={"next_check_at": now + interval(_published(republication), now)},
    )
    if created or state.next_check_at <= now:
        check_source.using(run_after=state.next_check_at).enqueue(republication.pk)


@retried
def check_source(republication_id):
    """Check one original if it is due, then queue its next check. A duplicate run (a
    retry, a second worker) finds it not due and does nothing."""
    now = timezone.now()
    state = (
        SourceWatch.objects.select_related("republication__article")
        .filter(republication_id=republication_id)
        .first()
    )
    if state is None or not state.republication.original_url:
        return "not watched"
    due = state.next_check_at
    # Claim the check: of two runs at once, one conditional UPDATE lets only one through.
    if due > now or not SourceWatch.objects.filter(pk=state.pk, next_check_at=due).update(
        next_check_at=now + CLAIM
    ):
        return "not due"
    try:
        outcome = _check(state, now)
    except Exception:
        SourceWatch.objects.filter(pk=state.pk).update(next_check_at=due)  # the retry is due
        raise
    check_source.using(run_after=state.next_check_at).enqueue(republication_id)
    return outcome


def _check(state, now):
    republication = state.republication
    usual = interval(_published(republication), now)
    state.last_checked_at, state.checks = now, state.checks + 1
    try:
        fetched = fetch(
            republication.original_url, etag=state.etag, last_modified=state.last_modified
        )
    except FetchRefused as refused:
        if refused.status not in GONE:
            state.failures += 1
            state.last_status, state.last_error = refused.status, str(refused)[:500]
            state.next_check_at = now + min(RETRY * 2 ** (state.failures - 1), usual)
            state.save()
            return f"failed ({state.last_error}); retrying at {state.next_check_at:%H:%M}"
        outcome = _gone(state, refused)
        state.etag = state.last_modified = ""
        state.last_status = refused.status
    else:
        outcome = "unchanged (304)" if fetched.status == 304 else _compare(state, fetched)
        state.last_status = fetched.status
        state.etag, state.last_modified = fetched.etag, fetched.last_modified
    state.failures, state.last_error = 0, ""
    state.next_check_at = now + usual
    state.save()
    return outcome


def _gone(state, refused):
    if state.last_status in GONE:
        return "still gone"
    republication = state.republication
    sourcealerts.raise_alert(
        SOURCE_WATCH,
        SourceAlert(
            article=republication.article,
            kind=SourceAlert.Kind.GONE,
            detail=f"The original is gone: {refused}",
            correction_text=f"{republication.publisher} has withdrawn the original of this "
            "article.",
        ),
    )
    return f"gone ({refused.status})"


def _compare(state, fetched):
    republication = state.republication
    article = republication.article
    snapshot = article.source_snapshots.first()
    kind = MEDIA_TYPES[fetched.media_type]
    if article.source_snapshots.filter(redacted_at__isnull=False).exists():
        return "redacted: watched for a takedown only"
    if snapshot is None or MEDIA_TYPES.get(snapshot.media_type) != kind:
        return "no snapshot of this original to compare with"
    try:
        held = intake.read(snapshot.text.encode(), kind, url=republication.original_url)
    except intake.ImportRefused:
        return "the snapshot we hold is no article to compare with"
    try:
        now = intake.read(fetched.data, kind, url=fetched.url, charset=fetched.charset)
    except intake.ImportRefused as refused:
        now, unreadable = None, f"The original no longer reads as an article: {refused}"
    else:
        if snapshot.sha256 == SourceSnapshot.digest(now.source_text):
            return "unchanged"
    diff = _diff(held, now)
    notes = [note for note in (now.corrections if now else []) if note not in held.corrections]
    if not notes and not diff:
        return "unchanged text"
    updated = now.original_updated_at if now and now.original_updated_at else timezone.now()
    date = formats.date_format(timezone.localtime(updated), "j F Y")
    publisher = republication.publisher
    if notes:
        alert = SourceAlert(
            kind=SourceAlert.Kind.CORRECTED,
            detail="The original now carries a correction: " + " / ".join(notes),
            correction_text=f"{publisher} corrected the original of this article on {date}: "
            + " ".join(notes),
        )
    else:
        alert = SourceAlert(
            kind=SourceAlert.Kind.CHANGED,
            detail=unreadable if now is None else f"The original's text changed ({date}).",
            correction_text=f"{publisher} updated the original of this article on {date}.",
        )
    alert.article, alert.diff = article, diff
    received = (
        now.source_text if now else fetched.data.decode(fetched.charset or "utf-8", "replace")
    )
    sourcealerts.raise_alert(
        SOURCE_WATCH, alert, source_text=received, media_type=fetched.media_type
    )
    return alert.get_kind_display().lower()


def _diff(held, now):
    """A unified diff, paragraph by paragraph, of the article text: held, then now."""
    return "\n".join(
        difflib.unified_diff(
            _paragraphs(held), _paragraphs(now), "snapshot", "original now", lineterm="", n=1
        )
    )


def _paragraphs(record):
    if record is None:
        return []
    text = "\n\n".join((record.headline, record.standfirst, record.body))
    return [unescape_markdown(p) for p in text.split("\n\n") if p.strip()]


def _published(republication):
    return (
        republication.original_published_at
        or republication.article.published_at
        or (timezone.now())
    )
