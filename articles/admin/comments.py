"""The moderation queue: pending comments first, bulk actions, and the blocklist."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.timesince import timesince

from articles.comments import comments_changed
from articles.models import Article, BlockedTerm, Comment


class StatusFilter(admin.SimpleListFilter):
    """Pending by default: the changelist opens on what needs a moderator."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.ALL, "All")]

    def value(self):
        return super().value() or Comment.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "name", "article", "age", "status"]
    list_filter = [StatusFilter]
    list_select_related = ["article"]
    search_fields = ["name", "email", "body", "article__headline"]
    readonly_fields = ["article", "parent", "created_at", "ip_hash", "moderated_by", "moderated_at"]
    fields = [
        "article",
        "parent",
        "name",
        "email",
        "body",
        "status",
        "created_at",
        "ip_hash",
        "moderated_by",
        "moderated_at",
    ]
    actions = ["approve", "mark_spam", "remove", "close_article_comments"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="age", ordering="-created_at")
    def age(self, comment):
        return f"{timesince(comment.created_at).split(',')[0]} ago"

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderated_by, obj.moderated_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
        comments_changed.send(Comment, article_ids=[obj.article_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        comments_changed.send(Comment, article_ids=[obj.article_id])

    def delete_queryset(self, request, queryset):
        article_ids = sorted(set(queryset.values_list("article_id", flat=True)))
        super().delete_queryset(request, queryset)
        comments_changed.send(Comment, article_ids=article_ids)

    def _moderate(self, request, queryset, status, verb):
        article_ids = sorted(set(queryset.values_list("article_id", flat=True)))
        count = queryset.update(
            status=status, moderated_by=request.user, moderated_at=timezone.now()
        )
        comments_changed.send(Comment, article_ids=article_ids)
        self.message_user(request, f"{verb} {count} comment(s).", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "Approved")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "Marked as spam")

    @admin.action(description="Remove selected comments from the site", permissions=["change"])
    def remove(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.REMOVED, "Removed")

    @admin.action(description="Close comments on the articles of the selected comments")
    def close_article_comments(self, request, queryset):
        article_ids = sorted(set(queryset.values_list("article_id", flat=True)))
        count = Article.objects.filter(pk__in=article_ids).update(
            comments_closed=True, updated_at=timezone.now()
        )
        comments_changed.send(Comment, article_ids=article_ids)
        self.message_user(request, f"Closed comments on {count} article(s).", messages.SUCCESS)

    def has_close_article_comments_permission(self, request):
        return request.user.has_perm("articles.change_article")

    close_article_comments.allowed_permissions = ["close_article_comments"]


class CommentInline(admin.TabularInline):
    """An article's comments on its change page; moderate each through its change link.

    Read-only here, so every status change goes through CommentAdmin, which records the
    moderator and tells the page cache.
    """

    model = Comment
    fk_name = "article"
    extra = 0
    fields = ["name", "excerpt", "created_at", "status"]
    readonly_fields = ["name", "excerpt", "created_at", "status"]
    ordering = ["-created_at"]
    show_change_link = True
    can_delete = False
    verbose_name_plural = "comments (newest first)"

    def has_add_permission(self, request, obj):
        return False

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(120)


def comment_counts(article):
    """ "approved 3 · pending 1 · …" for the article's change page, in one query."""
    if not article.pk:
        return "No comments yet."
    counts = dict(
        article.comments.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return " · ".join(f"{label}: {counts.get(value, 0)}" for value, label in Comment.Status.choices)


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["term", "note"]
