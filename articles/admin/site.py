"""The publication's own records: its settings, the helplines beside sensitive stories,
and its policy pages."""

from django.contrib import admin

from articles.admin.base import ActionAdmin
from articles.models import Helpline, PolicyPage, SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(ActionAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyPage)
class PolicyPageAdmin(ActionAdmin):
    list_display = ["title", "kind", "slug", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Helpline)
class HelplineAdmin(ActionAdmin):
    list_display = ["name", "phone", "url", "position", "active"]
    list_editable = ["position", "active"]
