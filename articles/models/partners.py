"""Partners who take our stories through the read API and feeds, their keys, and the
registry of where our stories were republished (the snippet's image, partners' keys).

Keys are stored only as a SHA-256 of the key: the full key is shown once, when issued
(articles.actions.partners). A key is long and random, so a plain hash cannot be reversed
by guessing and is cheap enough to look up on every request.
"""

import hashlib
import secrets

from django.db import models
from django.db.models import Q


class Partner(models.Model):
    """A publication or aggregator allowed to read the API and the partner feed."""

    name = models.CharField(max_length=120, unique=True)
    contact_email = models.EmailField(
        blank=True, help_text="Who to tell about their keys and our corrections."
    )
    active = models.BooleanField(
        default=True, help_text="Off: every key of this partner is refused (403)."
    )
    receives_sensitive = models.BooleanField(
        default=False,
        help_text="Also receive sensitive stories (child death, abuse, self-harm, suicide). "
        "Only for partners who follow the same reporting guidelines.",
    )
    receives_identification_flagged = models.BooleanField(
        default=False,
        help_text="Also receive stories with entries in the do-not-identify register. "
        "Only for partners bound by the same reporting restrictions.",
    )
    requests_per_minute = models.PositiveIntegerField(
        default=120, help_text="Requests allowed per key per minute; more get 429."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class APIKeyQuerySet(models.QuerySet):
    def for_key(self, key):
        """The key row (with its partner) for a presented key, revoked or not, or None."""
        return self.select_related("partner").filter(key_hash=APIKey.digest(key)).first()


class APIKey(models.Model):
    """One partner's key: only its hash and a short prefix (to tell keys apart) are kept."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    prefix = models.CharField(max_length=16, editable=False, help_text="The key's first part.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="A revoked key is refused (403)."
    )

    objects = APIKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.partner})"

    PREFIX = "sfk_"

    @staticmethod
    def digest(key):
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    @classmethod
    def new(cls):
        """(a new random key, to show once; its prefix; its hash, the only part kept)."""
        key = cls.PREFIX + secrets.token_urlsafe(32)
        return key, key[: len(cls.PREFIX) + 6], cls.digest(key)

    @property
    def revoked(self):
        return self.revoked_at is not None


class Republishing(models.Model):
    """Where one of our stories was republished: a host whose page loaded the republish
    snippet's image, or a partner whose key fetched it. Counts only, no personal data."""

    class Channel(models.TextChoices):
        SNIPPET = "snippet", "Republish snippet"
        API = "api", "Partner API or feed"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="republishings"
    )
    channel = models.CharField(max_length=10, choices=Channel)
    host = models.CharField(
        max_length=253, blank=True, help_text="The page's host, from the image request."
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="republishings"
    )
    count = models.PositiveIntegerField(default=0, help_text="Image loads or API deliveries.")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "host"],
                condition=Q(channel="snippet"),
                name="republishing_once_per_host",
            ),
            models.UniqueConstraint(
                fields=["article", "partner"],
                condition=Q(channel="api"),
                name="republishing_once_per_partner",
            ),
        ]

    def __str__(self):
        return f"{self.article} at {self.partner or self.host or 'an unknown host'}"
