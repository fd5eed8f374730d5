"""Safeguarding: legal holds on comments, and the do-not-identify register with its
sign-offs. Every change is a newsroom action, audited; the register's terms are never
written to the audit log."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles import identification
from articles.actions import holds as hold_actions
from articles.actions import safeguarding as safeguarding_actions
from articles.admin.base import ActionAdmin, LabelledTabularInline, OneChoiceFilter
from articles.models import Article, DoNotIdentify, IdentificationSignOff, LegalHold


@admin.register(LegalHold)
class LegalHoldAdmin(ActionAdmin):
    """Adding a hold applies it at once to every article with the tag, then and later; the
    "Lift" action ends it. A hold is never edited or deleted: it is lifted, and the log
    keeps both."""

    list_display = ["tag", "reason", "hide_comments", "created_at", "active", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    autocomplete_fields = ["tag"]
    actions = ["lift"]

    def get_readonly_fields(self, request, obj=None):
        if obj:
            return ["tag", "reason", "hide_comments", "created_by", "held_articles"]
        return ["created_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True)
    def active(self, obj):
        return obj.active

    @admin.display(description="articles with this tag")
    def held_articles(self, obj):
        articles = Article.objects.filter(tags=obj.tag).only("pk", "headline")
        if not articles:
            return "None yet: an article given this tag is held at once."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                ((reverse("admin:articles_article_change", args=[a.pk]), a) for a in articles),
            ),
        )

    def act_save(self, request, obj, form, change):
        if change:
            return  # every field is read-only once applied
        hold_actions.apply_hold(request.user, obj)
        count = Article.objects.filter(tags=obj.tag).count()
        self.message_user(request, f"Comments closed on {count} article(s) tagged {obj.tag}.")

    @admin.action(description="Lift selected holds (their articles' comments follow their own "
                              "settings again)")  # fmt: skip
    def lift(self, request, queryset):
        restored = sum(hold_actions.lift_hold(request.user, hold) for hold in queryset)
        self.message_user(request, f"Lifted; {restored} article(s) no longer held.")


class SignOffInline(LabelledTabularInline):
    model = IdentificationSignOff
    extra = 1
    fields = ["reason", "signed_by", "signed_at"]
    readonly_fields = ["signed_by", "signed_at"]
    can_delete = False
    verbose_name_plural = "sign-offs (an editor allows the matches, with the reason)"

    def has_change_permission(self, request, obj=None):
        return False


class SignOffFilter(OneChoiceFilter):
    """Entries whose term appears in their article with no sign-off (the desk links here)."""

    title = "sign-off"
    parameter_name = "sign_off"
    choice = ("awaiting", "Matches awaiting a sign-off")

    def rows(self, queryset):
        return queryset.filter(pk__in=identification.awaiting_sign_off(queryset))


@admin.register(DoNotIdentify)
class DoNotIdentifyAdmin(ActionAdmin):
    """The register; a sign-off records who allowed the matches and why (audited)."""

    list_display = ["term", "kind", "reason", "article", "signed_off"]
    list_filter = [SignOffFilter, "kind", "reason"]
    search_fields = ["term", "article__headline"]
    autocomplete_fields = ["article"]
    inlines = [SignOffInline]

    @admin.display(boolean=True)
    def signed_off(self, obj):
        return obj.sign_offs.exists()

    def act_save(self, request, obj, form, change):
        shown = safeguarding_actions.save_entry(request.user, obj)
        if shown:
            self.message_user(
                request,
                f"The article already shows this term in {len(shown)} place(s): fix them, "
                "redact the name, or record a sign-off. Until then it cannot be changed "
                "while public.",
                messages.WARNING,
            )

    def act_delete(self, request, obj):
        safeguarding_actions.delete_entry(request.user, obj)

    def save_formset(self, request, form, formset, change):
        for sign_off in formset.save(commit=False):
            safeguarding_actions.sign_off(request.user, sign_off.entry, sign_off.reason)
