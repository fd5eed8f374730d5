"""The moderation queue: pending comments first, bulk actions, and the blocklist."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.text import Truncator
from django.utils.timesince import timesince

from articles import roles
from articles.actions import articles as article_actions
from articles.actions import comments as comment_actions
from articles.admin.base import ActionAdmin
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
class CommentAdmin(ActionAdmin):
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

    def act_save(self, request, obj, form, change):
        comment_actions.edit(request.user, obj, form.changed_data)

    def act_delete(self, request, obj):
        comment_actions.delete(request.user, Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        comment_actions.delete(request.user, queryset)

    def _moderate(self, request, queryset, status, verb):
        count, refused = comment_actions.moderate(request.user, queryset, status)
        for comment, problems in refused:
            self.message_user(
                request,
                f"Not approved: the comment by {comment.name} on “{comment.article}”. "
                + " ".join(str(p) for p in problems),
                messages.ERROR,
            )
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

    @admin.action(
        description="Close comments on the articles of the selected comments",
        permissions=["close_article_comments"],
    )
    def close_article_comments(self, request, queryset):
        """Each article is closed by an editor's action: audited, with a revision."""
        articles = Article.objects.filter(pk__in=queryset.values("article"), comments_closed=False)
        count = self.each_refused(
            request, articles, lambda a: article_actions.close_comments(request.user, a)
        )
        self.message_user(request, f"Closed comments on {count} article(s).", messages.SUCCESS)

    def has_close_article_comments_permission(self, request):
        return roles.may_publish(request.user)


class CommentInline(admin.TabularInline):
    """An article's comments on its change page; moderate each through its change link.

    Read-only here, so every status change goes through CommentAdmin and its actions.
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
class BlockedTermAdmin(ActionAdmin):
    list_display = ["term", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["term", "note"]
