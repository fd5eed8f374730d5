"""An image licence's end, as a time-driven change: a task runs at the end and emits the
one change event (legal: the edge purges hard) for the articles showing the image.

Public pages already stop showing the image at request time (Article.public_hero()) and
the page cache lives no longer than the nearest end (articles.pagecache); this task is
what purges the edge, which holds pages by s-maxage. It is scheduled when a record with
an end is stored or its end is changed; a run before the end (the date was moved) or for
an end already announced does nothing, so duplicates are harmless.
"""

from django.db import transaction

from articles import audit
from articles.actions.base import changed
from articles.actors import SystemActor
from articles.models import Article, ImageRights
from articles.tasks import retried

LICENCES = SystemActor("image licences")


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
