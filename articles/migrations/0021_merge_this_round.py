"""Joins the migrations that were written side by side in this round of work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_feed_subscriptions"),
        ("articles", "0020_home_image_confirmation_help"),
        ("articles", "0020_image_rights"),
        ("articles", "0020_notes"),
        ("articles", "0020_partner_api"),
        ("articles", "0020_search_trigrams"),
        ("articles", "0020_source_watch"),
        ("articles", "0020_webhooks"),
    ]

    operations = []
