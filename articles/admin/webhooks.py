"""Webhook endpoints (Site) and their delivery log (Records).

An endpoint's secret is shown once, on the page that follows its creation or a new
secret, and never again: the change form says only how it ends.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from articles.actions import webhooks as webhook_actions
from articles.admin.base import ActionAdmin, RecordInline
from articles.admin.records import RecordAdmin
from articles.models import DeliveryAttempt, Event, WebhookDelivery, WebhookEndpoint


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this endpoint.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "email", "events", "active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ActionAdmin):
    form = EndpointForm
    list_display = ["name", "url", "email", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url", "email"]
    readonly_fields = ["secret_ends"]
    actions = ["give_new_secret"]

    @admin.display(description="signing secret")
    def secret_ends(self, obj):
        if not obj.pk:
            return "Generated when you save, and shown once."
        return f"whsec_…{obj.secret[-4:]} (shown once, when it was made)"

    def act_save(self, request, obj, form, change):
        webhook_actions.save(request.user, obj)

    def act_delete(self, request, obj):
        webhook_actions.delete(request.user, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_secret(request, obj, obj.secret)

    @admin.action(description="Give a new signing secret (the old one stops working)")
    def give_new_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one endpoint at a time.", messages.ERROR)
            return None
        endpoint = queryset.get()
        return self._show_secret(
            request, endpoint, webhook_actions.new_secret_for(request.user, endpoint)
        )

    def _show_secret(self, request, endpoint, secret):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "endpoint": endpoint,
            "secret": secret,
            "title": f"The signing secret of “{endpoint}”",
        }
        response = TemplateResponse(request, "admin/articles/webhook_secret.html", context)
        response["Cache-Control"] = "no-store"
        return response


class AttemptInline(RecordInline):
    model = DeliveryAttempt
    fields = ["at", "status_code", "error", "response", "milliseconds"]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RecordAdmin):
    """Every event sent to an endpoint, with each try; a failed one stays on the desk."""

    list_display = ["created_at", "event", "endpoint", "article", "status", "attempts", "outcome"]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint", "article"]
    search_fields = ["article__headline", "endpoint__name", "message_id"]
    date_hierarchy = "created_at"
    fields = [
        "endpoint", "event", "article", "status", "attempts", "next_attempt_at", "outcome",
        "message_id", "payload", "created_at", "finished_at",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [AttemptInline]
