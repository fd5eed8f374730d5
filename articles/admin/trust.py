"""The newsroom's trust desk: republication records, source snapshots and their diffs,
corrections, legal holds, helplines, the do-not-identify register, policy pages, reports."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone

from articles import audit, fidelity, legal_hold, redaction, safeguards
from articles.admin.records import RecordAdmin
from articles.models import (
    Correction,
    DoNotIdentify,
    Helpline,
    IdentificationSignOff,
    LegalHold,
    LegalHoldEntry,
    PolicyPage,
    ProblemReport,
    Republication,
    SourceSnapshot,
)


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
class SourceSnapshotAdmin(RecordAdmin):
    """Read-only: a snapshot is evidence of what we received."""

    list_display = ["article", "sha256", "imported_at", "redacted_at"]
    search_fields = ["article__headline", "sha256"]
    readonly_fields = ["article", "text", "sha256", "imported_at", "redacted_at"]


class RedactionForm(forms.Form):
    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: full name first, then any short forms (surname alone).",
    )
    replacement = forms.CharField(max_length=100, initial="[name removed]")


class TrustArticleAdminMixin:
    """What ArticleAdmin gains from the trust desk: the source diff and the identification scan."""

    @admin.display(description="Changes from the source")
    def source_fidelity(self, obj):
        snapshot = obj.source_snapshots.first() if obj.pk else None
        return render_to_string(
            "admin/articles/fidelity_report.html",
            {
                "snapshot": snapshot,
                "record": obj.republication_record if obj.pk else None,
                "changes": fidelity.article_changes(obj),
            },
        )

    @admin.display(description="Do-not-identify scan")
    def identification_scan(self, obj):
        entries = list(obj.do_not_identify.prefetch_related("sign_offs")) if obj.pk else []
        return render_to_string(
            "admin/articles/identification_scan.html",
            {"entries": entries, "matches": safeguards.scan(obj, entries)},
        )

    @admin.action(description="Redact a name from selected articles (everywhere, at once)")
    def redact_name(self, request, queryset):
        """Asks for the names first; on confirmation redacts them in one transaction each."""
        form = RedactionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            names = form.cleaned_data["names"].splitlines()
            for article in queryset:
                redaction.redact(article, names, form.cleaned_data["replacement"], request.user)
            self.message_user(
                request,
                f"Redacted {len(queryset)} article(s); each now carries a dated note.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/articles/redact.html",
            {
                **self.admin_site.each_context(request),
                "title": "Redact a name",
                "form": form,
                "articles": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "published_at"]
    list_filter = ["kind"]
    search_fields = ["article__headline", "text"]
    autocomplete_fields = ["article"]
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(audit.Action.CORRECTED, obj.article, request.user, kind=obj.kind)


@admin.register(PolicyPage)
class PolicyPageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "slug", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Helpline)
class HelplineAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "url", "position", "active"]
    list_editable = ["position", "active"]


class LegalHoldEntryInline(admin.TabularInline):
    model = LegalHoldEntry
    extra = 0
    can_delete = False
    readonly_fields = ["article", "previous_closed", "previous_reason", "previous_hidden"]
    fields = readonly_fields
    verbose_name_plural = "held articles (and their comment state before the hold)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Adding a hold applies it at once; the "Lift" action restores every article."""

    list_display = ["tag", "reason", "hide_comments", "created_at", "active", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    autocomplete_fields = ["tag"]
    inlines = [LegalHoldEntryInline]
    actions = ["lift"]

    def get_readonly_fields(self, request, obj=None):
        return ["tag", "reason", "hide_comments", "created_by"] if obj else ["created_by"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    @admin.display(boolean=True)
    def active(self, obj):
        return obj.active

    def save_model(self, request, obj, form, change):
        if change:
            return
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        count = legal_hold.apply_hold(obj, request.user)
        self.message_user(request, f"Comments closed on {count} article(s) tagged {obj.tag}.")

    @admin.action(description="Lift selected holds (restore each article's comments)")
    def lift(self, request, queryset):
        restored = sum(legal_hold.lift_hold(hold, request.user) for hold in queryset)
        self.message_user(request, f"Restored comments on {restored} article(s).")


class SignOffInline(admin.TabularInline):
    model = IdentificationSignOff
    extra = 1
    fields = ["reason", "signed_by", "signed_at"]
    readonly_fields = ["signed_by", "signed_at"]
    can_delete = False
    verbose_name_plural = "sign-offs (an editor allows the matches, with the reason)"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DoNotIdentify)
class DoNotIdentifyAdmin(admin.ModelAdmin):
    """The register; a sign-off records who allowed the matches and why (audited)."""

    list_display = ["term", "kind", "reason", "article", "signed_off"]
    list_filter = ["kind", "reason"]
    search_fields = ["term", "article__headline"]
    autocomplete_fields = ["article"]
    inlines = [SignOffInline]

    @admin.display(boolean=True)
    def signed_off(self, obj):
        return obj.sign_offs.exists()

    def save_formset(self, request, form, formset, change):
        sign_offs = formset.save(commit=False)
        for sign_off in sign_offs:
            sign_off.signed_by = request.user
            sign_off.save()
            audit.record(
                audit.Action.IDENTIFICATION_SIGNED_OFF,
                sign_off.entry.article,
                request.user,
                term_kind=sign_off.entry.kind,
                register_entry=sign_off.entry.pk,
                reason=sign_off.reason,
            )
        formset.save_m2m()


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
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
        made = 0
        for report in queryset.select_related("article"):
            if report.correction_id or not report.outcome.strip():
                self.message_user(
                    request,
                    f"Skipped the report on {report.article}: "
                    + (
                        "it already has a correction."
                        if report.correction_id
                        else "write the correction text in Outcome first."
                    ),  # fmt: skip
                    messages.WARNING,
                )
                continue
            with transaction.atomic():
                report.correction = Correction.objects.create(
                    article=report.article, text=report.outcome.strip()
                )
                report.status = ProblemReport.Status.CORRECTED
                report.save(update_fields=["correction", "status"])
            audit.record(
                audit.Action.CORRECTED, report.article, request.user, from_report=report.pk
            )
            made += 1
        self.message_user(request, f"Published {made} correction(s).", messages.SUCCESS)
