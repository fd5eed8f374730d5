"""Webhooks: the integrators and partners told when a story changes, and the log of every
delivery to them (articles.notices decides what they are told, articles.deliveries sends it).
"""

import base64
import secrets

from django.db import models
from django.db.models import Q

from articles.models.content import Article, HttpsURLField


class Event(models.TextChoices):
    """What an endpoint may subscribe to: what happened to a public story."""

    PUBLISHED = "article.published", "Published"
    UPDATED = "article.updated", "Updated"
    CORRECTED = "article.corrected", "Corrected"
    REDACTED = "article.redacted", "Redacted"
    UNPUBLISHED = "article.unpublished", "Unpublished or taken down"
    COMMENTS_CLOSED = "article.comments_closed", "Comments closed for legal reasons"


URL_OR_EMAIL = "Give the endpoint a URL, or a contact email to send notices to instead."


def new_secret():
    """A Standard Webhooks signing secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    name = models.CharField(max_length=100, help_text="Who receives it (a partner, a system).")
    url = HttpsURLField(
        "URL",
        max_length=500,
        blank=True,
        help_text="Where events are POSTed, signed (Standard Webhooks). Must be a public "
        "http(s) address. Leave empty to send notices by email instead.",
    )
    email = models.EmailField(
        "contact email",
        blank=True,
        help_text="The contact. Without a URL, the events are mailed here instead.",
    )
    events = models.JSONField(
        default=list, help_text="The events sent to this endpoint; nothing else is."
    )
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    active = models.BooleanField(default=True, help_text="An inactive endpoint is sent nothing.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(email=""),
                name="webhook_endpoint_url_or_email",
                violation_error_message=URL_OR_EMAIL,
            )
        ]

    def __str__(self):
        return self.name

    @property
    def by_email(self):
        """Notices go by email to an endpoint with an address and no URL."""
        return not self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent until the receiver accepts it (2xx) or the
    attempts run out; each try is a DeliveryAttempt."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event)
    article = models.ForeignKey(
        Article, null=True, on_delete=models.SET_NULL, related_name="webhook_deliveries"
    )
    message_id = models.CharField(
        max_length=40, unique=True, help_text="The webhook-id header: the same on every retry."
    )
    payload = models.JSONField(help_text="The body sent, as it was when the event happened.")
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, help_text="When the worker tries next; a task due earlier does nothing."
    )
    outcome = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status"], name="webhook_delivery_status")]

    def __str__(self):
        return f"{self.get_event_display()} → {self.endpoint}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.TextField(blank=True, help_text="The first 500 characters of the answer.")
    error = models.CharField(max_length=300, blank=True)
    milliseconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
