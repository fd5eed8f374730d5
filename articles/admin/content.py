"""The newsroom's admin for articles and what they are filed under."""

from django.contrib import admin, messages
from django.utils import timezone
from markdownx.admin import MarkdownxModelAdmin

from articles.admin.comments import CommentInline, comment_counts
from articles.admin.editors import EditorialArticleMixin, StateFilter
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
from articles.publishing import PublishingBlocked, check_publishable


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
class ArticleAdmin(TrustArticleAdminMixin, EditorialArticleMixin, MarkdownxModelAdmin):
    list_display = [
        "headline",
        "section",
        "state",
        "published_at",
        "is_published",
        "comments_closed",
    ]
    list_filter = [StateFilter, "section", "featured", "comments_closed", "tags"]
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
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
        ("Filing", {"fields": ["section", "tags", "featured", "callouts"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "expires_at",
                    "comments_closed",
                    "embargo_note",
                ]
            },
        ),
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
        ("Republishing by others", {"fields": ["republish_licence"]}),
    ]

    @admin.display(description="comments by status")
    def comments_by_status(self, obj):
        return comment_counts(obj)

    @admin.action(
        description="Publish selected articles now (keeps a scheduled time)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        """Publishes what passes articles.publishing; lists what is blocked and why."""
        count = 0
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            try:
                check_publishable(article)
            except PublishingBlocked as blocked:
                problems = " ".join(blocked.messages)
                self.message_user(request, f"Not published: {article}. {problems}", messages.ERROR)
                continue
            article.save(actor=request.user)
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset:
            article.status = Article.Status.DRAFT
            article.save(actor=request.user)
            count += 1
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)

    @admin.action(description="Close comments on selected articles", permissions=["publish"])
    def close_comments(self, request, queryset):
        count = self._set_comments_closed(request, queryset, True)
        self.message_user(request, f"Closed comments on {count} article(s).", messages.SUCCESS)

    @admin.action(description="Open comments on selected articles", permissions=["publish"])
    def open_comments(self, request, queryset):
        count = self._set_comments_closed(request, queryset, False)
        self.message_user(request, f"Opened comments on {count} article(s).", messages.SUCCESS)

    @staticmethod
    def _set_comments_closed(request, queryset, closed):
        """One save per article, so each change keeps a revision and an audit entry.

        Comments closed for legal reasons reopen only when their legal hold is lifted.
        """
        changing = queryset.exclude(comments_closed=closed)
        if not closed:
            changing = changing.exclude(comments_closed_reason=Article.CommentsClosedBy.LEGAL)
        ids = []
        for article in changing:
            article.comments_closed = closed
            article.comments_closed_reason = Article.CommentsClosedBy.EDITOR if closed else ""
            article.comments_closed_at = timezone.now() if closed else None
            if not closed:
                article.comments_closed_note = ""
            article.save(actor=request.user)
            ids.append(article.pk)
        comments_changed.send(Article, article_ids=ids)
        return len(ids)


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
