"""Admin for records that code writes and people only read (audit log, source snapshots)."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """Listed and opened, never added, edited or deleted through the admin: what it shows
    is evidence (who did what, what the source said), so it stays as written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
