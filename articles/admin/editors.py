"""The newsroom's controls on the article admin: states, roles, versions, revisions, previews.

EditorialArticleMixin is mixed into ArticleAdmin (articles/admin/content.py).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles import audit, editorial, images, previews
from articles.admin.records import RecordAdmin
from articles.models import Article, AuditEntry, PreviewLink, Revision

PUBLISH_PERMISSION = "articles.publish_article"
# What only those who may publish can set: a writer's form shows these read-only.
PUBLISHING_FIELDS = [
    "status",
    "published_at",
    "expires_at",
    "featured",
    "comments_closed",
    "republish_licence",
    # Comment state and safeguarding settings are the editors' too.
    "comments_closed_reason",
    "comments_closed_note",
    "comments_closed_at",
    "comments_hidden",
    "sensitive",
    "social_image_confirmed",
]


def may_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


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


class VerifiedImageField(forms.ImageField):
    """An image field whose checks are articles.images.prepare(): clear refusals, clean bytes."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        return None if upload is None else images.prepare(upload)


class EditorialArticleForm(forms.ModelForm):
    """Adds the optimistic lock (a hidden version) and the image pipeline to the article form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Article
        exclude = []  # noqa: DJ006 - ModelAdmin passes the fields from its fieldsets
        field_classes = {"hero_image": VerifiedImageField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if "version" in self.fields:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "version" in self.fields:
            self._check_version(cleaned.get("version"))
        return cleaned

    def _check_version(self, started):
        current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
        current = current.first()
        if started is None or current is None or started == current:
            return
        self.conflict = editorial.conflict_diff(self.instance, started)
        # Saving again after reading the other editor's changes is a deliberate choice.
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current
        raise ValidationError(
            "Someone else saved this article while you were editing it. Nothing was saved: "
            "your text is still in the form below. Their changes are listed at the top; "
            "merge what you need and save again.",
            code="edit_conflict",
        )


class PreviewLinkInline(admin.TabularInline):
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
        return format_html(
            '<input type="text" readonly value="{}" size="60" aria-label="Preview link">',
            previews.url(obj),
        )

    def has_delete_permission(self, request, obj=None):
        return False


class AuditEntryInline(admin.TabularInline):
    """The article's audit log, read-only."""

    model = AuditEntry
    extra = 0
    fields = ["created_at", "action", "actor", "detail"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    verbose_name_plural = "audit log"
    classes = ["collapse"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EditorialArticleMixin:
    """Roles, publishing state, optimistic locking, revisions and preview links."""

    form = EditorialArticleForm
    editorial_inlines = [PreviewLinkInline, AuditEntryInline]

    # Roles --------------------------------------------------------------------------------

    def has_publish_permission(self, request):
        """Used by the list actions that publish, schedule or unpublish."""
        return may_publish(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if may_publish(request.user):
            return queryset
        own = Article.objects.filter(self._own(request.user)).values("pk")
        return queryset.filter(pk__in=own)

    @staticmethod
    def _own(user):
        return Q(created_by=user) | Q(byline__author__user=user)

    def _is_own_draft(self, user, obj):
        return (
            obj.status == Article.Status.DRAFT
            and Article.objects.filter(self._own(user), pk=obj.pk).exists()
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or may_publish(request.user):
            return allowed
        return self._is_own_draft(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or may_publish(request.user):
            return allowed
        return self._is_own_draft(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not may_publish(request.user):
            fields += [f for f in PUBLISHING_FIELDS if f not in fields]
        return fields

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        return inlines + self.editorial_inlines if obj is not None else inlines

    # Saving -------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if not may_publish(request.user) and obj.status != Article.Status.DRAFT:
            raise PermissionDenied("Only editors may publish or schedule articles.")
        expected = form.cleaned_data.get("version") if change else None
        obj.save(actor=request.user, expected_version=expected)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        editorial.refresh_revision(form.instance)

    def save_formset(self, request, form, formset, change):
        if formset.model is not PreviewLink:
            return super().save_formset(request, form, formset, change)
        links = formset.save(commit=False)
        for link in links:
            created = link.pk is None
            was_revoked = not created and PreviewLink.objects.get(pk=link.pk).revoked
            if created:
                link.created_by = request.user
            link.save()
            if created:
                action = audit.Action.PREVIEW_LINK_CREATED
            elif link.revoked and not was_revoked:
                action = audit.Action.PREVIEW_LINK_REVOKED
            else:
                continue
            audit.record(action, article=link.article, actor=request.user, note=link.note)
        return links

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except editorial.EditConflict:
            # Another save won the race after this form was validated; everything was rolled
            # back. Validating again now reports the conflict with the editor's text kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    # List ---------------------------------------------------------------------------------

    @admin.display(description="State", ordering="published_at")
    def state(self, obj):
        return obj.publishing_state().label

    # Revisions ----------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
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
        revisions = list(article.revisions.select_related("author"))
        comparison = None
        numbers = {r.number: r for r in revisions}
        if revisions:
            newest = revisions[0].number
            a = _as_int(request.GET.get("a"), newest - 1 if newest > 1 else newest)
            b = _as_int(request.GET.get("b"), newest)
            if a in numbers and b in numbers:
                old, new = sorted([numbers[a], numbers[b]], key=lambda r: r.number)
                comparison = {"from": old, "to": new, "diff": editorial.diff(old.data, new.data)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Revisions of “{article.headline}”",
            "revisions": revisions,
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
        editorial.restore(article, revision, actor=request.user)
        self.message_user(
            request,
            f"Revision {revision.number} was restored as a new revision; "
            "publishing state and URL are unchanged.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(url)


def _as_int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordAdmin):
    """The whole newsroom's audit log, read-only."""

    list_display = ["created_at", "action", "article", "actor"]
    list_filter = ["action"]
    list_select_related = ["article", "actor"]
    date_hierarchy = "created_at"
    search_fields = ["article__headline"]
