"""The do-not-identify register and its sign-offs.

The register holds names by design, so no audit entry or event ever carries a term: they
name the entry's id and kind instead. A sign-off is a person's decision (never a system
actor's), with its reason, that lets the matches of one entry be published.
"""

from django.db import transaction

from articles import audit, identification, roles
from articles.actions.base import Refused, require
from articles.models import IdentificationSignOff


def save_entry(actor, entry):
    """Add or change a register entry; returns where the article already shows the term,
    so the desk can fix or redact it."""
    verb = "change" if entry.pk else "add"
    require(actor, f"articles.{verb}_donotidentify", message="Only editors keep the register.")
    with transaction.atomic():
        entry.save()
        audit.record(
            audit.Action.REGISTER_CHANGED,
            entry.article,
            actor,
            register_entry=entry.pk,
            change=verb,
            term_kind=entry.kind,
            reason=entry.reason,
        )
    return identification.scan(entry.article, [entry])


def delete_entry(actor, entry):
    require(actor, "articles.delete_donotidentify", message="Only editors keep the register.")
    with transaction.atomic():
        audit.record(
            audit.Action.REGISTER_CHANGED,
            entry.article,
            actor,
            register_entry=entry.pk,
            change="delete",
            term_kind=entry.kind,
        )
        entry.delete()


def sign_off(actor, entry, reason):
    require(actor, roles.SIGN_OFF, message="Only an editor may sign off an identification.")
    if not reason.strip():
        raise Refused("Say why publishing these matches is lawful and right.")
    with transaction.atomic():
        sign_off = IdentificationSignOff.objects.create(
            entry=entry, reason=reason.strip(), signed_by=actor
        )
        audit.record(
            audit.Action.IDENTIFICATION_SIGNED_OFF,
            entry.article,
            actor,
            term_kind=entry.kind,
            register_entry=entry.pk,
            reason=sign_off.reason,
        )
    return sign_off
