"""Correct an image's rights record (credit, copyright, licence, its end): editors only.

The record feeds the credit under the image, the JSON-LD and the licence end, so a change
is audited on each article showing the image and emitted as their change; a licence that
has ended withdraws the image, which is purged as a legal change.

A licence's end is also a time-driven change: withdraw_ended_image, a worker task queued for
the end, emits the one change event (legal: the edge purges hard) for the articles showing
the image. Public pages already stop showing it at request time (Article.public_hero())
and the page cache lives no longer than the nearest end (articles.pagecache); the task is
what purges the edge, which holds pages by s-maxage. It is queued when a record with an end
is stored or its end changed; a run before the end (the date was moved) or for an end
already announced does nothing, so duplicates are harmless.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import audit
from articles.actions.base import Refused, changed, require
from articles.actors import SystemActor
from articles.models import Article, ImageRights
from articles.tasks import retried

LICENCES = SystemActor("image licences")

EDITABLE = (
    "creator",
    "credit_line",
    "copyright_notice",
    "web_statement",
    "licensor_url",
    "digital_source_type",
    "license_ends_at",
)


def change(actor, rights, fields=EDITABLE):
    """Save an edited ImageRights; `fields` are the ones the editor changed."""
    require(actor, "articles.change_imagerights", message="Only editors may change image rights.")
    try:
        rights.full_clean(exclude=["source"])
    except ValidationError as exc:
        raise Refused(*exc.messages) from exc
    with transaction.atomic():
        rights.save()
        if "license_ends_at" in fields:
            schedule(rights)
        articles = list(Article.objects.filter(hero_rights=rights).only("pk"))
        for article in articles:
            audit.record(
                audit.Action.IMAGE_RIGHTS_CHANGED,
                article,
                actor,
                image=rights.source,
                fields=sorted(set(fields) & set(EDITABLE)),
            )
        changed(
            "image_rights_changed",
            actor,
            articles=[a.pk for a in articles],
            legal=rights.has_ended(),
        )
    return rights


def schedule(rights):
    """Queue the withdrawal for the record's licence end, once the change commits."""
    if rights.license_ends_at is not None:
        at, pk = rights.license_ends_at, rights.pk
        transaction.on_commit(lambda: withdraw_ended_image.using(run_after=at).enqueue(pk))


@retried
def withdraw_ended_image(rights_id):
    """Announce an ended licence once: audit each article showing the image, and emit."""
    with transaction.atomic():
        rights = ImageRights.objects.select_for_update().filter(pk=rights_id).first()
        if rights is None or not rights.has_ended():
            return "not ended"
        if rights.withdrawal_sent_for == rights.license_ends_at:
            return "already announced"
        rights.withdrawal_sent_for = rights.license_ends_at
        rights.save(update_fields=["withdrawal_sent_for"])
        articles = list(Article.objects.filter(hero_rights=rights).values_list("pk", flat=True))
        for pk in articles:
            audit.record(
                audit.Action.IMAGE_LICENCE_ENDED, Article(pk=pk), LICENCES, image=rights.source
            )
        changed("image_licence_ended", LICENCES, articles=articles, legal=True)
    return f"withdrawn from {len(articles)} article(s)"
