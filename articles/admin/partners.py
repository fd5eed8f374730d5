"""Partners of the read API and feed, their keys (issued here, shown once), and the
registry of where our stories were republished."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from articles.actions import partners as partner_actions
from articles.admin.base import ActionAdmin
from articles.admin.records import RecordAdmin
from articles.models import APIKey, Partner, Republishing


class APIKeyInline(admin.TabularInline):
    model = APIKey
    fields = readonly_fields = ["prefix", "created_at", "revoked_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(ActionAdmin):
    list_display = [
        "name",
        "active",
        "receives_sensitive",
        "receives_identification_flagged",
        "requests_per_minute",
    ]
    readonly_fields = ["issue_key_link"]
    inlines = [APIKeyInline]

    @admin.display(description="API keys")
    def issue_key_link(self, obj):
        if not obj.pk:
            return "Save the partner first, then issue its key here."
        url = reverse("admin:articles_partner_issue_key", args=[obj.pk])
        return format_html('<a class="button" href="{}">Issue a new key</a>', url)

    def response_add(self, request, obj, post_url_continue=None):
        """A new partner goes straight to issuing its first key."""
        return HttpResponseRedirect(reverse("admin:articles_partner_issue_key", args=[obj.pk]))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/issue-key/",
                self.admin_site.admin_view(never_cache(self.issue_key_view)),
                name="articles_partner_issue_key",
            ),
            *super().get_urls(),
        ]

    def issue_key_view(self, request, object_id):
        """Ask, then issue: the key is shown on this page once and never again."""
        partner = get_object_or_404(Partner, pk=object_id)
        if not request.user.has_perm("articles.add_apikey"):
            raise PermissionDenied("You may not issue API keys.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "partner": partner,
            "title": f"A new API key for {partner}",
            "key": partner_actions.issue_key(request.user, partner)
            if request.method == "POST"
            else None,
        }
        return TemplateResponse(request, "admin/articles/partner/issue_key.html", context)


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "partner", "created_at", "revoked_at"]
    list_filter = ["partner"]
    readonly_fields = ["partner", "prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # keys are issued from their partner's page, and shown once

    def has_delete_permission(self, request, obj=None):
        return False  # a revoked key stays on record

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        count = partner_actions.revoke_keys(request.user, queryset)
        messages.success(request, f"Revoked {count} key(s): they are refused from now on.")


@admin.register(Republishing)
class RepublishingAdmin(RecordAdmin):
    list_display = ["article", "channel", "host", "partner", "count", "last_seen_at"]
    list_filter = ["channel", "partner"]
    list_select_related = ["article", "partner"]
    search_fields = ["host", "article__headline"]
