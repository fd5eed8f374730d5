"""Source alerts: what the source watch found an original did, and the editor's answer.

Raising an alert keeps the bytes the original sent as a new snapshot (the old ones stay),
drafts a "source updated" correction, and, when the original is gone and the site settings
say so, unpublishes our copy (a legal change: caches drop it at once). The draft is text on
the alert, not a Correction: no page, feed or API shows it until an editor publishes it
(corrections.add, with every gate), or discards it. Each step is audited.
"""

from django.db import transaction
from django.utils import timezone

from articles import audit
from articles.actions import articles as article_actions
from articles.actions import corrections as correction_actions
from articles.actions.base import Refused, require
from articles.actors import user_of
from articles.models import Article, Correction, SiteSettings, SourceAlert, SourceSnapshot


def raise_alert(actor, alert, *, source_text="", media_type=""):
    """Record a new (unsaved) alert, with a snapshot of `source_text` when there is one."""
    require(actor, "articles.add_sourcealert", message="Only editors may raise source alerts.")
    article = alert.article
    with transaction.atomic():
        if source_text:
            alert.snapshot = SourceSnapshot.objects.create(
                article=article, text=source_text, media_type=media_type
            )
        gone = alert.kind == SourceAlert.Kind.GONE
        if gone and article.status == Article.Status.PUBLISHED:
            alert.unpublished = SiteSettings.load().source_gone_unpublishes
        alert.save()
        audit.record(
            audit.Action.SOURCE_ALERT,
            article,
            actor,
            alert=alert.pk,
            kind=alert.kind,
            snapshot=alert.snapshot_id,
            unpublished=alert.unpublished,
        )
        if alert.unpublished:
            article_actions.unpublish(actor, article)
    return alert


def save_draft(actor, alert):
    """Keep an editor's changes to the drafted correction of an open alert."""
    require(actor, "articles.change_sourcealert", message="Only editors may change source alerts.")
    _refuse_resolved(alert)
    alert.save(update_fields=["correction_text"])
    return alert


def publish_correction(actor, alert):
    """Publish the alert's drafted correction (an update) and resolve the alert."""
    require(actor, "articles.change_sourcealert", message="Only editors may resolve source alerts.")
    with transaction.atomic():
        alert = SourceAlert.objects.select_for_update().select_related("article").get(pk=alert.pk)
        _refuse_resolved(alert)
        alert.correction = correction_actions.add(
            actor,
            Correction(
                article=alert.article, kind=Correction.Kind.UPDATE, text=alert.correction_text
            ),
            source_alert=alert.pk,
        )
        return _resolve(actor, alert, "correction published")


def discard(actor, alert):
    """Resolve the alert without a correction: the editor judged the change needs none."""
    require(actor, "articles.change_sourcealert", message="Only editors may resolve source alerts.")
    with transaction.atomic():
        alert = SourceAlert.objects.select_for_update().select_related("article").get(pk=alert.pk)
        _refuse_resolved(alert)
        return _resolve(actor, alert, "discarded")


def _refuse_resolved(alert):
    if SourceAlert.objects.filter(pk=alert.pk, resolved_at__isnull=False).exists():
        raise Refused(f"The alert on {alert.article} was already resolved: nothing was changed.")


def _resolve(actor, alert, outcome):
    alert.resolved_at, alert.resolved_by = timezone.now(), user_of(actor)
    alert.save(update_fields=["correction", "resolved_at", "resolved_by"])
    audit.record(
        audit.Action.SOURCE_ALERT_RESOLVED, alert.article, actor, alert=alert.pk, outcome=outcome
    )
    return alert
