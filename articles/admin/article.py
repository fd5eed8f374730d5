"""The Article admin, in one place: the form, its inlines, the list actions, revisions and
restore, and redaction. Every write is a newsroom action (articles.actions); this module
only asks for input and shows the outcome.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from markdownx.widgets import MarkdownxWidget

from articles import fidelity, gates, identification, images, previews, revisions, roles
from articles.actions import EditConflict, GateClosed, Override, Refused, redaction
from articles.actions import articles as article_actions
from articles.actions import corrections as correction_actions
from articles.actions import previews as preview_actions
from articles.actions import republication as republication_actions
from articles.actions import safeguarding as safeguarding_actions
from articles.admin import checks as checks_admin
from articles.admin import intake as intake_admin
from articles.admin import notes as notes_admin
from articles.admin import reviews as reviews_admin
from articles.admin.base import (
    ActionAdmin,
    LabelledTabularInline,
    OneChoiceFilter,
    RecordInline,
    RefusalForm,
    refusal_of,
)
from articles.admin.comments import CommentInline, comment_counts
from articles.admin.sourcealerts import SourceAlertInline
from articles.models import (
    Article,
    AuditEntry,
    Byline,
    Correction,
    DoNotIdentify,
    PreviewLink,
    RelatedArticle,
    Republication,
    Revision,
)


class StateFilter(admin.SimpleListFilter):
    """Filter by publishing state, using the same rule as the State column."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.State.choices

    def queryset(self, request, queryset):
        if self.value() in Article.State.values:
            return queryset.in_state(self.value())
        return queryset


class DueFilter(OneChoiceFilter):
    """Scheduled articles going public soon (the editor's desk links here)."""

    title = "going public"
    parameter_name = "due"
    choice = ("soon", "In the next 24 hours")

    def rows(self, queryset):
        return queryset.due_soon()


class EmbargoFilter(OneChoiceFilter):
    """Articles not yet public whose embargo note sets conditions (the desk links here)."""

    title = "embargo"
    parameter_name = "embargo"
    choice = ("waiting", "Not yet public, with an embargo note")

    def rows(self, queryset):
        return queryset.under_embargo()


SIDE = "side"  # a fieldset shown in the form's right-hand column


class VerifiedImageField(forms.ImageField):
    """An image field whose checks are articles.images.prepare(): clear refusals, clean bytes."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        return None if upload is None else images.prepare(upload)


OVERRIDE_HINT = (
    "To publish these changes anyway, give the reason under “Publish despite the licence "
    "check” below and save again: the decision is recorded with your name."
)


class BodyWidget(MarkdownxWidget, AdminTextareaWidget):
    """markdownx's editor and live preview without markdownx's admin stylesheet: the
    preview is set in the readers' own (css/article-text.css, templates/markdownx/widget.html).
    Under the preview, the checks panel (articles.admin.checks) asks `checks_url`."""

    checks_url = ""

    class Media:
        js = ["js/article-checks.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["checks_url"] = self.checks_url
        return context


class ArticleForm(RefusalForm, forms.ModelForm):
    """The article form: the edit-conflict version, and an override reason when asked."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    override_reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why these changes may be published although the licence check lists "
        "them, e.g. “The publisher agreed by email on 3 May (filed)”.",
    )

    class Meta:
        model = Article
        exclude = []  # noqa: DJ006 - ModelAdmin passes the fields from its fieldsets
        field_classes = {"hero_image": VerifiedImageField}
        widgets = {"body": BodyWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._check_version(cleaned.get("version"))
        return cleaned

    def refusal_messages(self):
        if isinstance(self.refusal, EditConflict):
            return []  # the version check below says it, with the other editor's changes
        if isinstance(self.refusal, GateClosed) and self.refusal.overridable:
            return [*self.refusal.messages, OVERRIDE_HINT]
        return self.refusal.messages

    def _check_version(self, started):
        if started is None:
            raise ValidationError(
                "This form does not say which version of the article it was opened on, so it "
                "could overwrite someone else's save. Nothing was saved: reload the page.",
                code="no_version",
            )
        current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
        current = current.first()
        if current is None or started == current:
            return
        self.conflict = revisions.conflict_diff(self.instance, started)
        # Saving again after reading the other editor's changes is a deliberate choice.
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current
        raise ValidationError(
            "Someone else saved this article while you were editing it. Nothing was saved: "
            "your text is still in the form below. Their changes are listed at the top; "
            "merge what you need and save again.",
            code="edit_conflict",
        )


def kicker_warning(article):
    """What the desk is told when the kicker names another work type than the article's."""
    named = article.kicker_contradiction()
    if not named:
        return ""
    return (
        f"The kicker “{article.kicker}” says {' or '.join(t.label for t in named)}, but the "
        f"work type is {article.get_work_type_display()}. Readers see both: change one of them."
    )


class BylineInline(LabelledTabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in order)"


class RelatedArticleInline(LabelledTabularInline):
    model = RelatedArticle
    fk_name = "article"
    extra = 1
    autocomplete_fields = ["target"]
    verbose_name = "related article"
    verbose_name_plural = "related articles (editor's picks, in order)"


class RepublicationInline(admin.StackedInline):
    """The one attribution record, on the article it attributes."""

    model = Republication
    extra = 0
    max_num = 1
    can_delete = False
    readonly_fields = ["approved_by", "approved_at"]
    verbose_name_plural = "republication record (for pieces first published elsewhere)"


class CorrectionInline(LabelledTabularInline):
    """The article's corrections log, written through the corrections actions (each one
    passes the identification gate and is audited)."""

    model = Correction
    extra = 0
    fields = ["kind", "text", "published_at"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    verbose_name_plural = "corrections (public, newest first)"


class DoNotIdentifyInline(LabelledTabularInline):
    """The article's do-not-identify register, for those who may read it (the inline obeys
    the register's view permission); sign-offs are on each entry's own page."""

    model = DoNotIdentify
    extra = 0
    fields = ["term", "kind", "reason", "sign_off"]
    readonly_fields = ["sign_off"]
    verbose_name_plural = "do-not-identify register (never shown to readers)"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sign_offs__signed_by")

    @admin.display(description="sign-off")
    def sign_off(self, obj):
        if not obj.pk:
            return "Save first."
        signed = next(iter(obj.sign_offs.all()), None)  # prefetched: no query per entry
        url = reverse("admin:articles_donotidentify_change", args=[obj.pk])
        if signed:
            return format_html('<a href="{}">Signed off by {}</a>', url, signed.signed_by or "—")
        return format_html('<a href="{}">Sign off or review</a>', url)


class PreviewLinkInline(LabelledTabularInline):
    """Shareable links for a reviewer without an account; add a row to make one."""

    model = PreviewLink
    extra = 0
    fields = ["note", "expires_at", "revoked", "link", "created_by", "created_at"]
    readonly_fields = ["link", "created_by", "created_at"]
    verbose_name = "preview link"
    verbose_name_plural = "preview links (for reviewers without an account)"

    @admin.display(description="Link to share")
    def link(self, obj):
        if not obj.pk:
            return "Save to create the link."
        if not obj.is_usable():
            return "Revoked" if obj.revoked else "Expired"
        field = f"preview-link-{obj.pk}"
        return format_html(
            '<span class="copy-link"><input type="text" readonly value="{}" id="{}" '
            'aria-label="Preview link"><button type="button" class="button" data-copy="{}">'
            'Copy</button><output aria-live="polite"></output></span>',
            previews.url(obj),
            field,
            field,
        )

    class Media:
        js = ["js/copy-link.js"]

    def has_delete_permission(self, request, obj=None):
        return False


class AuditEntryInline(RecordInline):
    """The article's audit log, read-only."""

    model = AuditEntry
    fields = ["created_at", "action", "acted_by", "detail"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    verbose_name_plural = "audit log"
    classes = ["collapse"]

    @admin.display(description="by")
    def acted_by(self, obj):
        return obj.acted_by


class RedactionForm(forms.Form):
    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: full name first, then any short forms (surname alone).",
    )
    replacement = forms.CharField(max_length=100, initial="[name removed]")


@admin.register(Article)
class ArticleAdmin(ActionAdmin):
    form = ArticleForm
    list_display = [
        "headline",
        "section",
        "state",
        "published_at",
        "is_published",
        "comments_closed",
    ]
    list_filter = [
        StateFilter,
        DueFilter,
        EmbargoFilter,
        notes_admin.MentionsFilter,
        reviews_admin.ReviewFilter,
        "section",
        "featured",
        "comments_closed",
        "tags",
    ]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags", "callouts"]
    inlines = [
        BylineInline,
        RelatedArticleInline,
        RepublicationInline,
        CorrectionInline,
        DoNotIdentifyInline,
        CommentInline,
    ]
    editorial_inlines = [SourceAlertInline, PreviewLinkInline, AuditEntryInline]
    readonly_fields = [
        "comments_by_status",
        "legal_hold_status",
        "source_fidelity",
        "republished_at",
        "image_rights",
    ]
    list_select_related = ["section"]
    actions = ["publish", "unpublish", "close_comments", "open_comments", "redact_name"]
    # Writing on the left; publishing, filing, comments and trust on the right (fieldsets
    # with the class SIDE; templates/admin/articles/article/change_form.html lays them out).
    fieldsets = [
        (None, {"fields": [("kicker", "work_type"), "headline", "slug", "standfirst", "body"]}),
        (
            "Hero image",
            {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit", "image_rights"]},
        ),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "expires_at", "embargo_note"],
                "classes": [SIDE],
            },
        ),
        ("Filing", {"fields": ["section", "tags", "featured", "callouts"], "classes": [SIDE]}),
        (
            "Comments",
            {
                "fields": [
                    "comments_by_status",
                    "legal_hold_status",
                    "comments_closed",
                    "comments_closed_reason",
                    "comments_closed_note",
                    "comments_closed_at",
                    "comments_hidden",
                ],
                "classes": [SIDE],
            },
        ),
        (
            "Sensitive story",
            {"fields": ["sensitive", "content_note", "social_image_confirmed"], "classes": [SIDE]},
        ),
        ("Identification safeguards", {"fields": ["identification_scan"], "classes": [SIDE]}),
        ("Fidelity to the source", {"fields": ["source_fidelity"], "classes": [SIDE]}),
        (
            "Republishing by others",
            {
                "fields": ["republish_licence", "images_redistributable", "republished_at"],
                "classes": [SIDE],
            },
        ),
        ("Search engines", {"fields": ["seo_description"], "classes": [SIDE, "collapse"]}),
    ]
    override_fieldset = ("Publish despite the licence check", {"fields": ["override_reason"]})

    # Who sees and changes what (the rules are articles.roles') ----------------------------

    def has_publish_permission(self, request):
        return roles.may_publish(request.user)

    def has_redact_permission(self, request):
        return request.user.has_perm(roles.REDACT)

    def get_queryset(self, request):
        return roles.visible_articles(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return roles.may_change(request.user, obj, obj.status)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return roles.may_change(request.user, obj, obj.status)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        fields.append(
            "identification_scan"
            if request.user.has_perm(roles.VIEW_REGISTER)
            else "identification_count"
        )
        if not roles.may_publish(request.user):
            fields += [f for f in roles.EDITOR_FIELDS if f not in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not request.user.has_perm(roles.VIEW_REGISTER):
            fieldsets = [
                (name, {**opts, "fields": ["identification_count" if f == "identification_scan"
                                          else f for f in opts["fields"]]})
                for name, opts in fieldsets
            ]  # fmt: skip
        refusal = refusal_of(request)
        may_override = request.user.has_perm(roles.OVERRIDE_FIDELITY)
        if isinstance(refusal, GateClosed) and refusal.overridable and may_override:
            fieldsets.append(self.override_fieldset)
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "body" in form.base_fields:  # a form class of its own, made for this request
            args = [obj.pk] if obj is not None else []
            name = "checks" if obj is not None else "add_checks"
            form.base_fields["body"].widget.checks_url = reverse(
                f"admin:articles_article_{name}", args=args
            )
        return form

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        return inlines + self.editorial_inlines if obj is not None else inlines

    # Saving: one action, with the relations the form and its inlines write ------------------

    def save_model(self, request, obj, form, change):
        """Nothing yet: the article and its relations are written together in save_related()."""

    def save_related(self, request, form, formsets, change):
        write_relations = super().save_related
        reason = form.cleaned_data.get("override_reason", "").strip()
        article_actions.save(
            request.user,
            form.instance,
            expected_version=form.cleaned_data.get("version") if change else None,
            relations=lambda: write_relations(request, form, formsets, change),
            override=Override(reason) if reason else None,
            verb="edited" if change else "created",
        )
        for advice in gates.advice(form.instance):
            self.message_user(request, advice, messages.WARNING)
        if warning := kicker_warning(form.instance):
            self.message_user(request, warning, messages.WARNING)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_redact"] = obj is not None and self.has_redact_permission(request)
        context["kicker_warning"] = kicker_warning(obj) if obj is not None else ""
        context["notes"] = notes_admin.panel(request, obj) if obj is not None else None
        context["review"] = reviews_admin.panel(request, obj) if obj is not None else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is PreviewLink:
            links = formset.save(commit=False)
            for link in links:
                preview_actions.save(request.user, link)
            return links
        if formset.model is Correction:
            saved = formset.save(commit=False)
            for correction in formset.deleted_objects:
                correction_actions.remove(request.user, correction)
            for correction in saved:
                (correction_actions.change if correction.pk else correction_actions.add)(
                    request.user, correction
                )
            return saved
        if formset.model is DoNotIdentify:
            saved = formset.save(commit=False)
            for entry in formset.deleted_objects:
                safeguarding_actions.delete_entry(request.user, entry)
            for entry in saved:
                safeguarding_actions.save_entry(request.user, entry)
            return saved
        if formset.model is Republication:
            records = formset.save(commit=False)
            for record in records:
                republication_actions.record(request.user, record)
            return records
        return super().save_formset(request, form, formset, change)

    def act_delete(self, request, obj):
        article_actions.delete(request.user, obj)

    # Read-only panels -------------------------------------------------------------------

    @admin.display(description="comments by status")
    def comments_by_status(self, obj):
        return comment_counts(obj)

    @admin.display(description="republished at")
    def republished_at(self, obj):
        """The registry (articles.api.registry): hosts that loaded the snippet, partners
        whose keys received the story."""
        rows = list(obj.republishings.select_related("partner")) if obj.pk else []
        if not rows:
            return "Nowhere we know of yet."
        return format_html_join(
            "",
            "<p>{} ({}): {} times, last {}</p>",
            (
                (
                    row.partner or row.host or "an unknown host",
                    row.get_channel_display(),
                    row.count,
                    date_format(localtime(row.last_seen_at), "j F Y, H:i"),
                )
                for row in rows
            ),
        )

    @admin.display(description="legal hold")
    def legal_hold_status(self, obj):
        hold = obj.legal_hold() if obj.pk else None
        if hold is None:
            return "None: comments follow the settings below."
        return (
            f"Comments are closed (and {'hidden' if hold.hide_comments else 'kept visible'}) "
            f"by the legal hold on the tag “{hold.tag}”: {hold.reason}. Lift the hold to "
            "reopen them; no setting here can."
        )

    @admin.display(description="Image rights")
    def image_rights(self, obj):
        """What the hero's file stated, its licence end and Content Credentials (editors
        only: readers see the credit, never the C2PA state)."""
        return render_to_string(
            "admin/articles/image_rights.html",
            {"rights": obj.hero_rights if obj.hero_image else None, "now": timezone.now()},
        )

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
        entries = []
        if obj.pk:  # with who signed each off, for every entry at once
            entries = list(obj.do_not_identify.prefetch_related("sign_offs__signed_by"))
        return render_to_string(
            "admin/articles/identification_scan.html",
            {"entries": entries, "matches": identification.scan(obj, entries)},
        )

    @admin.display(description="Do-not-identify scan")
    def identification_count(self, obj):
        """For those who may not open the register: how many passages, never the names."""
        count = len(identification.scan(obj)) if obj.pk else 0
        if not count:
            return "No passage matches the do-not-identify register."
        return (
            f"{count} passage(s) match the do-not-identify register. An editor will review "
            "them before the article is published."
        )

    @admin.display(description="State", ordering="published_at")
    def state(self, obj):
        return obj.publishing_state().label

    # List actions -------------------------------------------------------------------------

    @admin.action(
        description="Publish selected articles now (keeps a scheduled time)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        count = self.each_refused(
            request,
            queryset,
            lambda article: article_actions.publish(request.user, article),
            prefix="Not published",
        )
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        count = self.each_refused(
            request, queryset, lambda article: article_actions.unpublish(request.user, article)
        )
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)

    @admin.action(description="Close comments on selected articles", permissions=["publish"])
    def close_comments(self, request, queryset):
        count = self.each_refused(
            request,
            queryset.filter(comments_closed=False),
            lambda article: article_actions.close_comments(request.user, article),
        )
        self.message_user(request, f"Closed comments on {count} article(s).", messages.SUCCESS)

    @admin.action(description="Open comments on selected articles", permissions=["publish"])
    def open_comments(self, request, queryset):
        count = self.each_refused(
            request,
            queryset.filter(comments_closed=True),
            lambda article: article_actions.reopen_comments(request.user, article),
            prefix="Still closed",
        )
        self.message_user(request, f"Opened comments on {count} article(s).", messages.SUCCESS)

    @admin.action(
        description="Redact a name from selected articles (everywhere, at once)",
        permissions=["redact"],
    )
    def redact_name(self, request, queryset):
        """Asks for the names first; on confirmation redacts them from every selected
        article in one transaction (all or none)."""
        form = RedactionForm(
            request.POST if "apply" in request.POST else None,
            initial={"names": self._register_terms(request, queryset)},
        )
        if form.is_valid():
            names = form.cleaned_data["names"].splitlines()
            try:
                redaction.redact(request.user, queryset, names, form.cleaned_data["replacement"])
            except Refused as refused:
                form.add_error(None, refused.messages)
            else:
                self.message_user(
                    request,
                    f"Redacted {queryset.count()} article(s); each now carries a dated note.",
                    messages.SUCCESS,
                )
                return None
        return self._redaction_page(request, queryset, form)

    def redact_view(self, request, object_id):
        """The article page's "Redact a name": the list action's form for this one article,
        prefilled from its register; it posts to the list action."""
        if not self.has_redact_permission(request):
            raise PermissionDenied
        article = self._article_or_403(request, object_id, change=True)
        articles = Article.objects.filter(pk=article.pk)
        form = RedactionForm(initial={"names": self._register_terms(request, articles)})
        return self._redaction_page(request, articles, form)

    def _redaction_page(self, request, queryset, form):
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

    @staticmethod
    def _register_terms(request, queryset):
        """The register's terms for these articles, to start from (for those who may read it)."""
        if not request.user.has_perm(roles.VIEW_REGISTER):
            return ""
        terms = DoNotIdentify.objects.filter(article__in=queryset).values_list("term", flat=True)
        return "\n".join(dict.fromkeys(terms))

    # Revisions ----------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("republish/", view(self.republish_view), name="{}_{}_republish".format(*info)),
            path("add/checks/", view(self.checks_view), name="{}_{}_add_checks".format(*info)),
            path(
                "<path:object_id>/checks/",
                view(self.checks_view),
                name="{}_{}_checks".format(*info),
            ),
            path(
                "<path:object_id>/redact/",
                view(self.redact_view),
                name="{}_{}_redact".format(*info),
            ),
            path(
                "<path:object_id>/review/",
                view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            path(
                "<path:object_id>/notes/",
                view(self.notes_view),
                name="{}_{}_notes".format(*info),
            ),
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name="{}_{}_revisions".format(*info),
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def republish_view(self, request):
        return intake_admin.republish_view(self, request)

    def checks_view(self, request, object_id=None):
        return checks_admin.checks_view(self, request, object_id)

    def notes_view(self, request, object_id):
        return notes_admin.notes_view(self, request, object_id)

    def review_view(self, request, object_id):
        return reviews_admin.review_view(self, request, object_id)

    def changelist_view(self, request, extra_context=None):
        may_republish = request.user.has_perms(intake_admin.PERMISSIONS)
        extra_context = {"may_republish": may_republish, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def _article_or_403(self, request, object_id, *, change=False):
        article = get_object_or_404(self.get_queryset(request), pk=object_id)
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def revisions_view(self, request, object_id):
        """The history, and a readable diff between any two revisions (?a=N&b=M)."""
        article = self._article_or_403(request, object_id)
        history = list(article.revisions.select_related("author"))
        comparison = None
        numbers = {r.number: r for r in history}
        if history:
            newest = history[0].number
            a = _as_int(request.GET.get("a"), newest - 1 if newest > 1 else newest)
            b = _as_int(request.GET.get("b"), newest)
            if a in numbers and b in numbers:
                old, new = sorted([numbers[a], numbers[b]], key=lambda r: r.number)
                comparison = {"from": old, "to": new, "diff": revisions.diff(old.data, new.data)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Revisions of “{article.headline}”",
            "revisions": history,
            "comparison": comparison,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def restore_view(self, request, object_id, number):
        """POST: restore revision `number` as a new revision (publishing state unchanged)."""
        article = self._article_or_403(request, object_id, change=True)
        revision = get_object_or_404(Revision, article=article, number=number)
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_revisions", args=[article.pk]
        )
        if request.method != "POST":
            return HttpResponseRedirect(url)
        try:
            article_actions.restore(request.user, article, revision)
        except Refused as refused:
            self.message_user(
                request,
                f"Revision {revision.number} was not restored. {' '.join(refused.messages)}",
                messages.ERROR,
            )
            return HttpResponseRedirect(url)
        kept = "" if roles.may_publish(request.user) else " Editors' settings were kept."
        self.message_user(
            request,
            f"Revision {revision.number} was restored as a new revision; "
            f"publishing state and URL are unchanged.{kept}",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(url)


def _as_int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
