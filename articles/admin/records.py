"""Records that code writes and people only read: the audit log and old article URLs."""

from django.contrib import admin

from articles import roles
from articles.models import Article, ArticlePath, AuditEntry


class RecordAdmin(admin.ModelAdmin):
    """Listed and opened, never added, edited or deleted through the admin: what it shows
    is evidence (who did what, what the source said), so it stays as written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordAdmin):
    """The newsroom's audit log, read-only; writers see the entries of their own articles."""

    list_display = ["created_at", "action", "article", "acted_by"]
    list_filter = ["action"]
    list_select_related = ["article", "actor"]
    date_hierarchy = "created_at"
    search_fields = ["article__headline"]

    @admin.display(description="by")
    def acted_by(self, obj):
        return obj.acted_by

    def get_queryset(self, request):
        entries = super().get_queryset(request)
        if roles.sees_every_article(request.user):
            return entries
        return entries.filter(
            article__in=roles.visible_articles(request.user, Article.objects.all())
        )


@admin.register(ArticlePath)
class ArticlePathAdmin(admin.ModelAdmin):
    """Old article URLs that now redirect (301): listed for editors, who may delete one."""

    list_display = ["path", "article", "created_at"]
    search_fields = ["path", "article__headline"]
    list_select_related = ["article"]
    readonly_fields = ["path", "article", "created_at"]

    def has_add_permission(self, request):
        # Paths are recorded when an article's URL changes, never typed in.
        return False
