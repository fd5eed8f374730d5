"""The corrections log, and readers' reports that may lead to a correction."""

from django.contrib import admin, messages

from articles.actions import corrections as correction_actions
from articles.admin.base import ActionAdmin
from articles.models import Correction, ProblemReport


@admin.register(Correction)
class CorrectionAdmin(ActionAdmin):
    list_display = ["article", "kind", "published_at"]
    list_filter = ["kind"]
    search_fields = ["article__headline", "text"]
    autocomplete_fields = ["article"]
    date_hierarchy = "published_at"

    def act_save(self, request, obj, form, change):
        if change:
            correction_actions.change(request.user, obj)
        else:
            correction_actions.add(request.user, obj)

    def act_delete(self, request, obj):
        correction_actions.remove(request.user, obj)


@admin.register(ProblemReport)
class ProblemReportAdmin(ActionAdmin):
    """Readers' reports, newest first; "Turn into a correction" publishes the outcome text."""

    list_display = ["article", "kind", "status", "created_at", "correction"]
    list_filter = ["status", "kind"]
    search_fields = ["article__headline", "message", "outcome"]
    readonly_fields = ["article", "kind", "message", "email", "created_at", "correction"]
    fields = [*readonly_fields, "status", "outcome"]
    actions = ["make_correction"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Turn into a correction (publishes the outcome text)")
    def make_correction(self, request, queryset):
        made = self.each_refused(
            request,
            queryset.select_related("article"),
            lambda report: correction_actions.from_report(request.user, report),
            prefix="Skipped",
        )
        self.message_user(request, f"Published {made} correction(s).", messages.SUCCESS)
