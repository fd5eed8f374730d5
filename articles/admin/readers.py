"""Old article URLs that now redirect (301): listed for editors, who may delete one."""

from django.contrib import admin

from articles.models import ArticlePath


@admin.register(ArticlePath)
class ArticlePathAdmin(admin.ModelAdmin):
    list_display = ["path", "article", "created_at"]
    search_fields = ["path", "article__headline"]
    list_select_related = ["article"]
    readonly_fields = ["path", "article", "created_at"]

    def has_add_permission(self, request):
        # Paths are recorded when an article's URL changes, never typed in.
        return False
