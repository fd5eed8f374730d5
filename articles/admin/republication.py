"""Where republished pieces come from: the republication record, the source snapshots,
and the sealed originals of redacted snapshots (for the legal role only)."""

from django.contrib import admin

from articles.actions import republication as republication_actions
from articles.admin.base import ActionAdmin
from articles.admin.records import RecordAdmin
from articles.models import Republication, SealedSource, SourceSnapshot


@admin.register(Republication)
class RepublicationAdmin(ActionAdmin):
    """Whoever saves the record approves the republication, and the time is kept."""

    list_display = ["article", "publisher", "licence", "allowed_edits", "search_policy"]
    list_filter = ["licence", "allowed_edits", "search_policy"]
    search_fields = ["article__headline", "publisher", "original_url"]
    autocomplete_fields = ["article"]
    readonly_fields = ["approved_by", "approved_at"]

    def act_save(self, request, obj, form, change):
        republication_actions.record(request.user, obj)


@admin.register(SourceSnapshot)
class SourceSnapshotAdmin(RecordAdmin):
    """Read-only: a snapshot is evidence of what we received."""

    list_display = ["article", "sha256", "imported_at", "redacted_at"]
    search_fields = ["article__headline", "sha256"]
    readonly_fields = ["article", "text", "sha256", "media_type", "imported_at", "redacted_at"]


@admin.register(SealedSource)
class SealedSourceAdmin(RecordAdmin):
    """The original of a redacted snapshot: opened only with view_sealedsource."""

    list_display = ["snapshot", "sealed_at"]
    readonly_fields = ["snapshot", "text", "sealed_at"]
