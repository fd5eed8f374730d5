"""The image rights ledger: what each uploaded original stated, as editors correct it."""

from django.contrib import admin
from django.db import models

from articles.actions import image_rights as rights_actions
from articles.admin.base import ActionAdmin, OneChoiceFilter
from articles.models import ImageRights

NOT_STATED = "not stated"


class LicenceFilter(OneChoiceFilter):
    """Licences ending within the warning period (the editor's desk links here)."""

    title = "licence"
    parameter_name = "licence"
    choice = ("ending", "Ending soon")

    def rows(self, queryset):
        return queryset.ending_soon()


@admin.register(ImageRights)
class ImageRightsAdmin(ActionAdmin):
    """Rows are made at upload; editors correct them here (never add or delete them)."""

    list_display = ["source", "shown_credit", "license_ends_at", "provenance"]
    list_filter = [LicenceFilter, "provenance"]
    search_fields = ["source", "creator", "credit_line", "copyright_notice"]
    readonly_fields = ["source", "provenance"]
    fields = ["source", "provenance", *rights_actions.EDITABLE]
    empty_value_display = NOT_STATED
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default

    @admin.display(description="Credit line")
    def shown_credit(self, obj):
        return obj.credit_line or NOT_STATED

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def act_save(self, request, obj, form, change):
        rights_actions.change(request.user, obj, form.changed_data)
