"""Partner feed subscriptions: the feeds we poll, each one's last poll and last error, and
the items it has brought in. Saving, polling now and deleting are actions
(articles.actions.subscriptions); the polls are the worker's."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from articles.actions import subscriptions as subscription_actions
from articles.admin.base import ActionAdmin, RecordInline
from articles.models import FeedItem, FeedSubscription

STATE = ["next_poll_at", "last_polled_at", "last_result", "last_error", "last_error_at"]


class FeedItemInline(RecordInline):
    """The items seen, newest first: written by the worker, read by editors."""

    model = FeedItem
    fields = ["guid", "url", "story", "summary_only", "first_seen_at", "last_seen_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    @admin.display(description="article")
    def story(self, item):
        if item.article is None:
            return "Deleted: not taken in again"
        url = reverse("admin:articles_article_change", args=[item.article_id])
        return format_html(
            '<a href="{}">{}</a> ({})', url, item.article.headline, item.article.status
        )


@admin.register(FeedSubscription)
class FeedSubscriptionAdmin(ActionAdmin):
    list_display = [
        "name", "format", "active", "auto_publish", "last_polled_at", "last_result",
        "error", "items_count",
    ]  # fmt: skip
    list_filter = ["active", "format", "auto_publish"]
    search_fields = ["name", "publisher", "url"]
    readonly_fields = STATE
    fieldsets = [
        (None, {"fields": ["name", "publisher", "url", "format", "poll_minutes", "active"]}),
        ("Licence", {"fields": ["licence", "permission_reference", "auto_publish"]}),
        ("Last poll", {"fields": STATE}),
    ]
    inlines = [FeedItemInline]
    actions = ["poll_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(items_count=Count("items"))

    @admin.display(description="items", ordering="items_count")
    def items_count(self, subscription):
        return subscription.items_count

    @admin.display(description="last error")
    def error(self, subscription):
        return subscription.last_error.splitlines()[0] if subscription.last_error else "—"

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj else self.fieldsets[:2]

    def act_save(self, request, obj, form, change):
        subscription_actions.save(request.user, obj)

    def act_delete(self, request, obj):
        subscription_actions.delete(request.user, obj)

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request, queryset):
        for subscription in queryset.filter(active=True):
            subscription_actions.poll_now(request.user, subscription)
        skipped = queryset.filter(active=False).count()
        note = f" {skipped} inactive feed(s) left alone." if skipped else ""
        self.message_user(
            request,
            f"Queued: the worker polls them within moments; reload to see the result.{note}",
            messages.SUCCESS,
        )
