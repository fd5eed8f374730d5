"""The newsroom's admin for articles and what they are filed under."""

from django.contrib import admin, messages
from django.utils import timezone
from markdownx.admin import MarkdownxModelAdmin

from articles.admin.comments import CommentInline, comment_counts
from articles.admin.trust import TrustArticleAdminMixin
from articles.comments import comments_changed
from articles.models import (
    Article,
    Author,
    Byline,
    Callout,
    RelatedArticle,
    Section,
    SiteSettings,
    Tag,
)


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in order)"


class RelatedArticleInline(admin.TabularInline):
    model = RelatedArticle
    fk_name = "article"
    extra = 1
    autocomplete_fields = ["target"]
    verbose_name = "related article"
    verbose_name_plural = "related articles (editor's picks, in order)"


@admin.register(Article)
class ArticleAdmin(TrustArticleAdminMixin, MarkdownxModelAdmin):
    list_display = [
        "headline",
        "section",
        "status",
        "published_at",
        "is_published",
        "comments_closed",
    ]
    list_filter = ["status", "section", "featured", "comments_closed", "tags"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags", "callouts"]
    inlines = [BylineInline, RelatedArticleInline, CommentInline]
    readonly_fields = ["comments_by_status", "source_fidelity", "identification_scan"]
    list_select_related = ["section"]
    actions = ["publish", "unpublish", "close_comments", "open_comments", "redact_name"]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "standfirst", "body"]}),
        ("Filing", {"fields": ["section", "tags", "featured", "callouts"]}),
        ("Publishing", {"fields": ["status", "published_at", "expires_at", "comments_closed"]}),
        (
            "Source (republished pieces)",
            {"fields": ["source_name", "source_url", "source_licence"]},
        ),
        ("Search engines", {"fields": ["seo_description"], "classes": ["collapse"]}),
        ("Comments", {"fields": ["comments_by_status"]}),
        (
            "Comments and sensitive stories",
            {
                "fields": [
                    "work_type",
                    "comments_closed_reason",
                    "comments_closed_note",
                    "comments_closed_at",
                    "comments_hidden",
                    "sensitive",
                    "content_note",
                    "social_image_confirmed",
                ]
            },
        ),
        ("Fidelity to the source", {"fields": ["source_fidelity"]}),
        ("Identification safeguards", {"fields": ["identification_scan"]}),
    ]

    @admin.display(description="comments by status")
    def comments_by_status(self, obj):
        return comment_counts(obj)

    @admin.action(description="Unpublish selected articles (back to draft)")
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset:
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)

    @admin.action(description="Close comments on selected articles")
    def close_comments(self, request, queryset):
        now = timezone.now()
        count = queryset.update(
            comments_closed=True,
            comments_closed_reason=Article.CommentsClosedBy.EDITOR,
            comments_closed_at=now,
            updated_at=now,
        )
        comments_changed.send(Article, article_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Closed comments on {count} article(s).", messages.SUCCESS)

    @admin.action(description="Open comments on selected articles")
    def open_comments(self, request, queryset):
        # Comments closed for legal reasons reopen only when their legal hold is lifted.
        reopened = queryset.exclude(comments_closed_reason=Article.CommentsClosedBy.LEGAL)
        ids = list(reopened.values_list("pk", flat=True))
        count = Article.objects.filter(pk__in=ids).update(
            comments_closed=False,
            comments_closed_reason="",
            comments_closed_note="",
            comments_closed_at=None,
            updated_at=timezone.now(),
        )
        comments_changed.send(Article, article_ids=ids)
        self.message_user(request, f"Opened comments on {count} article(s).", messages.SUCCESS)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Callout)
class CalloutAdmin(admin.ModelAdmin):
    list_display = ["__str__", "site_wide", "starts_at", "ends_at"]
    list_filter = ["site_wide"]
    search_fields = ["text"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
