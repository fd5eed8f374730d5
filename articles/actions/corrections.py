"""The corrections log: add, change or remove a correction, and turn a reader's report into
one. A correction's text is public: on an article that has a do-not-identify register, it
passes the identification gate first.
"""

from django.db import transaction
from django.utils import timezone

from articles import audit, gates
from articles.actions.base import GateClosed, Refused, changed, require
from articles.models import Article, Correction, Event, ProblemReport


def _check_text(actor, correction):
    texts = [("correction", correction.text)]
    if problems := gates.text_problems(correction.article, texts, actor):
        raise GateClosed(problems)


def _touch(article_id):
    """Feeds and sitemaps date an article by updated_at: a correction moves it."""
    Article.objects.filter(pk=article_id).update(updated_at=timezone.now())


def add(actor, correction, **detail):
    """Publish a new (unsaved) correction; `detail` goes into its audit entry."""
    require(actor, "articles.add_correction", message="Only editors may publish corrections.")
    correction.text = correction.text.strip()
    if not correction.text:
        raise Refused("Write the correction's text.")
    _check_text(actor, correction)
    with transaction.atomic():
        correction.save()
        _touch(correction.article_id)
        audit.record(
            audit.Action.CORRECTED,
            correction.article,
            actor,
            kind=correction.kind,
            correction=correction.pk,
            **detail,
        )
        # Integrators hear of corrections to what readers can see.
        public = Article.objects.published().filter(pk=correction.article_id).exists()
        events = [(Event.CORRECTED, correction.article_id, {"correction": correction.pk})]
        changed(
            "corrected", actor, articles=[correction.article_id], events=events if public else []
        )
    return correction


def change(actor, correction):
    require(actor, "articles.change_correction", message="Only editors may change corrections.")
    _check_text(actor, correction)
    with transaction.atomic():
        correction.save()
        _touch(correction.article_id)
        audit.record(
            audit.Action.CORRECTION_CHANGED,
            correction.article,
            actor,
            kind=correction.kind,
            correction=correction.pk,
        )
        changed("correction_changed", actor, articles=[correction.article_id])
    return correction


def remove(actor, correction):
    require(actor, "articles.delete_correction", message="Only editors may remove corrections.")
    with transaction.atomic():
        article_id, pk = correction.article_id, correction.pk
        audit.record(
            audit.Action.CORRECTION_REMOVED,
            correction.article,
            actor,
            kind=correction.kind,
            correction=pk,
        )
        correction.delete()
        _touch(article_id)
        changed("correction_removed", actor, articles=[article_id])


def from_report(actor, report):
    """Publish a reader's report's outcome text as a correction, and close the report."""
    if report.correction_id:
        raise Refused(f"The report on {report.article} already has a correction.")
    if not report.outcome.strip():
        raise Refused(
            f"Skipped the report on {report.article}: write the correction text in Outcome first."
        )
    with transaction.atomic():
        report.correction = add(
            actor, Correction(article=report.article, text=report.outcome), from_report=report.pk
        )
        report.status = ProblemReport.Status.CORRECTED
        report.save(update_fields=["correction", "status"])
    return report.correction
