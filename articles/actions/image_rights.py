"""Correct an image's rights record (credit, copyright, licence, its end): editors only.

The record feeds the credit under the image, the JSON-LD and the licence end, so a change
is audited on each article showing the image and emitted as their change; a licence that
has ended withdraws the image, which is purged as a legal change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import audit, image_licences
from articles.actions.base import Refused, changed, require
from articles.models import Article

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
            image_licences.schedule(rights)
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
