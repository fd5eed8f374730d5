"""Webhook endpoints: add, change, give a new secret, delete.

An endpoint's URL must be a public http(s) address, checked when it is saved (and again
by every delivery, since a host's address can change); an endpoint has a URL or a contact
email (then notices go by email). Its signing secret is generated here, never typed in.
"""

from django.db import transaction

from articles import deliveries
from articles.actions.base import Refused, require
from articles.intake.fetch import FetchRefused
from articles.models import Event, WebhookEndpoint
from articles.models.webhooks import URL_OR_EMAIL, new_secret


def save(actor, endpoint):
    verb = "change" if endpoint.pk else "add"
    require(
        actor, f"articles.{verb}_webhookendpoint", message=f"You may not {verb} webhook endpoints."
    )
    endpoint.url, endpoint.email = endpoint.url.strip(), endpoint.email.strip()
    if not endpoint.url and not endpoint.email:
        raise Refused(URL_OR_EMAIL)
    unknown = set(endpoint.events) - set(Event.values)
    if unknown or not endpoint.events:
        raise Refused("Choose the events this endpoint receives.")
    if endpoint.url:
        try:
            deliveries.check_endpoint(endpoint.url)
        except FetchRefused as refused:
            raise Refused(f"{refused} Nothing was saved.") from refused
    with transaction.atomic():
        endpoint.save()
    return endpoint


def new_secret_for(actor, endpoint):
    """Replace the endpoint's signing secret; returns the new one (shown once)."""
    require(
        actor, "articles.change_webhookendpoint", message="You may not change webhook endpoints."
    )
    secret = new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret)
    return secret


def delete(actor, endpoint):
    """Delete an endpoint that was never sent anything; one with a delivery log keeps it
    (deactivate it instead)."""
    require(
        actor, "articles.delete_webhookendpoint", message="You may not delete webhook endpoints."
    )
    if endpoint.deliveries.exists():
        raise Refused(
            f"“{endpoint}” has a delivery log, which is kept: deactivate the endpoint instead."
        )
    endpoint.delete()
