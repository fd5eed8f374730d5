"""The source watch in the admin: alerts (what an original did, with the drafted correction
an editor publishes or discards), on their own list and on the article, and the watch state."""

from django.contrib import admin, messages
from django.utils.html import format_html

from articles.actions import sourcealerts as alert_actions
from articles.admin.base import ActionAdmin, OneChoiceFilter, RecordInline
from articles.admin.records import RecordAdmin
from articles.models import SourceAlert, SourceWatch

_SHOWN = ["article", "kind", "detail", "changes", "snapshot", "unpublished", "found_at"]
_RESOLUTION = ["correction", "resolved_at", "resolved_by"]


class OpenFilter(OneChoiceFilter):
    """Alerts no editor has resolved yet (the editor's desk links here)."""

    title = "resolved"
    parameter_name = "resolved"
    choice = ("open", "Waiting for an editor")

    def rows(self, queryset):
        return queryset.open()


@admin.register(SourceAlert)
class SourceAlertAdmin(ActionAdmin):
    """Edit the drafted correction, then publish it or discard it (list actions)."""

    list_display = ["article", "kind", "found_at", "unpublished", "resolved_at", "correction"]
    list_filter = [OpenFilter, "kind"]
    list_select_related = ["article", "correction"]
    search_fields = ["article__headline", "detail"]
    fields = [*_SHOWN, "correction_text", *_RESOLUTION]
    actions = ["publish_correction", "discard"]

    @admin.display(description="text: the snapshot (-), the original now (+)")
    def changes(self, alert):
        return format_html("<pre>{}</pre>", alert.diff) if alert.diff else "No text to compare."

    def get_readonly_fields(self, request, obj=None):
        done = obj is not None and obj.resolved
        return [*_SHOWN, *(["correction_text"] if done else []), *_RESOLUTION]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def act_save(self, request, obj, form, change):
        alert_actions.save_draft(request.user, obj)

    @admin.action(description="Publish the drafted correction and resolve")
    def publish_correction(self, request, queryset):
        done = self.each_refused(
            request, queryset, lambda a: alert_actions.publish_correction(request.user, a)
        )
        self.message_user(request, f"Published {done} correction(s).", messages.SUCCESS)

    @admin.action(description="Discard the drafted correction and resolve")
    def discard(self, request, queryset):
        done = self.each_refused(
            request, queryset, lambda a: alert_actions.discard(request.user, a)
        )
        self.message_user(
            request, f"Resolved {done} alert(s) without a correction.", messages.SUCCESS
        )


class SourceAlertInline(RecordInline):
    """The article's source alerts, read-only; each opens on its own page to resolve."""

    model = SourceAlert
    fields = ["found_at", "kind", "detail", "unpublished", "resolved_at"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "source alerts (what the original did since we took it in)"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SourceWatch)
class SourceWatchAdmin(RecordAdmin):
    """When each original is next re-read, and how its last check went."""

    list_display = ["republication", "next_check_at", "last_checked_at", "last_status", "checks"]
    list_select_related = ["republication__article"]
    search_fields = ["republication__original_url", "republication__article__headline"]
    readonly_fields = [
        "republication", "next_check_at", "last_checked_at", "last_status", "last_error",
        "etag", "last_modified", "checks", "failures",
    ]  # fmt: skip
