"""The newsroom's trust desk: republication records, source snapshots and their diffs,
corrections, legal holds, helplines, the do-not-identify register, policy pages, reports."""

from django.contrib import admin
from django.utils import timezone

from articles.models import Republication, SourceSnapshot


@admin.register(Republication)
class RepublicationAdmin(admin.ModelAdmin):
    list_display = ["article", "publisher", "licence", "allowed_edits", "search_policy"]
    list_filter = ["licence", "allowed_edits", "search_policy"]
    search_fields = ["article__headline", "publisher", "original_url"]
    autocomplete_fields = ["article"]
    readonly_fields = ["approved_by", "approved_at"]

    def save_model(self, request, obj, form, change):
        """Whoever saves the record approves the republication, and the time is kept."""
        if not obj.approved_by_id:
            obj.approved_by, obj.approved_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(SourceSnapshot)
class SourceSnapshotAdmin(admin.ModelAdmin):
    """Read-only: a snapshot is evidence of what we received."""

    list_display = ["article", "sha256", "imported_at", "redacted_at"]
    search_fields = ["article__headline", "sha256"]
    readonly_fields = ["article", "text", "sha256", "imported_at", "redacted_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
