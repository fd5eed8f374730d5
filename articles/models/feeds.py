"""Partner feeds we subscribe to, and the items each has brought in.

A FeedSubscription is polled by the worker (articles.actions.feed_polls); every item it takes
in leaves a FeedItem naming the item's GUID, URL and content hash and the article it
became, so an item seen again under any of the three updates that article instead of
making a second one.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from articles.models.content import Article, HttpsURLField
from articles.models.trust import Republication


class FeedSubscription(models.Model):
    class Format(models.TextChoices):
        RSS = "rss", "RSS or Atom (full text)"
        NINJS = "ninjs", "ninjs feed (a JSON list of ninjs items)"

    name = models.CharField(max_length=120, help_text="What the desk calls this feed.")
    publisher = models.CharField(
        max_length=120,
        help_text="The partner's publication, as attribution names it, for items that do "
        "not name their copyright holder.",
    )
    url = HttpsURLField(max_length=500, verbose_name="feed URL")
    format = models.CharField(max_length=10, choices=Format, default=Format.RSS)
    licence = models.CharField(
        max_length=20,
        choices=Republication.Licence,
        default=Republication.Licence.OTHER,
        help_text="What the partner grants for this feed's items; an item that states its "
        "own licence keeps that one.",
    )
    permission_reference = models.CharField(
        max_length=300,
        blank=True,
        help_text="For written permission or other terms: who agreed, when, and where it is filed.",
    )
    auto_publish = models.BooleanField(
        "publish automatically",
        default=False,
        help_text="Publish new full-text items at once, without an editor, when their "
        "licence is a Creative Commons one or written permission. Off: every item waits "
        "as a draft.",
    )
    poll_minutes = models.PositiveIntegerField(
        "poll every (minutes)", default=30, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(default=True, help_text="Inactive feeds are not polled.")
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_result = models.CharField(max_length=300, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(auto_publish=True, licence="other"),
                name="feed_auto_publish_needs_standing_licence",
            ),
            models.CheckConstraint(
                condition=models.Q(poll_minutes__gte=1), name="feed_poll_minutes_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.licence == Republication.Licence.PERMISSION and not self.permission_reference:
            raise ValidationError(
                {"permission_reference": "Say who gave permission, and where it is filed."}
            )
        if self.auto_publish and self.licence not in Republication.STANDING_LICENCES:
            raise ValidationError(
                {
                    "auto_publish": "Only a feed under a Creative Commons licence or written "
                    "permission may publish automatically: other terms need an editor."
                }
            )


class FeedItem(models.Model):
    """An item a subscription took in: its identities in the feed, and its article."""

    subscription = models.ForeignKey(
        FeedSubscription, on_delete=models.CASCADE, related_name="items"
    )
    article = models.ForeignKey(
        Article,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when an editor deleted the article: the item is not taken in again.",
    )
    guid = models.CharField(max_length=300, blank=True, db_index=True)
    url = models.CharField(max_length=500, blank=True, db_index=True)
    content_hash = models.CharField(
        max_length=64,
        db_index=True,
        help_text="SHA-256 of the item's headline, standfirst and body.",
    )
    summary_only = models.BooleanField(
        default=False, help_text="The feed carried only a summary: the draft holds just that."
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "guid"],
                condition=~models.Q(guid=""),
                name="feed_item_unique_guid",
            )
        ]

    def __str__(self):
        return self.guid or self.url or self.content_hash[:12]
