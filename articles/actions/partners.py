"""Partners' API keys: issued (the key shown once, only its hash kept) and revoked."""

from django.utils import timezone

from articles.actions.base import require
from articles.models import APIKey


def issue_key(actor, partner):
    """A new key for the partner: returns the key itself, which is never stored."""
    require(actor, "articles.add_apikey", message="You may not issue API keys.")
    key, prefix, digest = APIKey.new()
    APIKey.objects.create(partner=partner, prefix=prefix, key_hash=digest)
    return key


def revoke_keys(actor, keys):
    """Revoke the given keys (a queryset) from now on; returns how many were live."""
    require(actor, "articles.change_apikey", message="You may not revoke API keys.")
    return keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
