"""The moderation queue: pending comments first, counts by state, a button per row to
approve, mark as spam or remove (a plain form POST, so it works without JavaScript), bulk
actions, and the blocklist."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.utils.html import format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince

from articles import roles
from articles.actions import NotAllowed
from articles.actions import articles as article_actions
from articles.actions import comments as comment_actions
from articles.admin.base import ActionAdmin
from articles.models import Article, BlockedTerm, Comment, ProblemReport

# Per-row moderation: status -> (button label, what the message says was done).
ROW_ACTIONS = {
    Comment.Status.APPROVED: ("Approve", "Approved"),
    Comment.Status.SPAM: ("Spam", "Marked as spam"),
    Comment.Status.REMOVED: ("Remove", "Removed"),
}
ROW_FIELD = "moderate"  # the buttons' name; the value is "<status>:<comment id>"
OPEN_REPORTS = (ProblemReport.Status.NEW, ProblemReport.Status.REVIEWING)


def counts_by_status(comments):
    """{status: count} for every status (zero included), in one query."""
    counts = dict(comments.order_by().values_list("status").annotate(n=Count("pk")))
    return {value: counts.get(value, 0) for value in Comment.Status.values}


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
    change_list_template = "admin/articles/comment/change_list.html"
    list_display = ["excerpt", "article", "author", "state", "reports", "age"]
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

    def get_list_display(self, request):
        """The row buttons only for those who may moderate (the action checks it again)."""
        if self.has_change_permission(request):
            return [*self.list_display, "moderate_buttons"]
        return self.list_display

    def get_queryset(self, request):
        open_reports = (
            ProblemReport.objects.filter(article=OuterRef("article"), status__in=OPEN_REPORTS)
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        reports = Coalesce(Subquery(open_reports, output_field=IntegerField()), Value(0))
        return super().get_queryset(request).annotate(open_reports=reports)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and ROW_FIELD in request.POST:
            return self._moderate_row(request)
        counts = counts_by_status(self.get_queryset(request))
        current = request.GET.get(StatusFilter.parameter_name) or Comment.Status.PENDING
        states = [
            *((value, label, counts[value]) for value, label in Comment.Status.choices),
            (StatusFilter.ALL, "All", sum(counts.values())),
        ]
        extra_context = {
            **(extra_context or {}),
            "moderation_states": [
                {"value": value, "label": label, "count": n, "current": value == current}
                for value, label, n in states
            ],
        }
        return super().changelist_view(request, extra_context)

    def _moderate_row(self, request):
        """One row's button: moderate that comment, then back to the same filtered list."""
        status, _, pk = request.POST[ROW_FIELD].partition(":")
        if status not in ROW_ACTIONS or not (pk.isascii() and pk.isdigit()):
            self.message_user(
                request, "That moderation button was not understood; nothing changed.",
                messages.ERROR,
            )  # fmt: skip
        else:
            selected = Comment.objects.filter(pk=int(pk))
            try:
                self._moderate(request, selected, status, ROW_ACTIONS[status][1])
            except NotAllowed as refused:
                raise PermissionDenied(str(refused)) from refused
        return HttpResponseRedirect(request.get_full_path())

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="author", ordering="name")
    def author(self, comment):
        return comment.name

    @admin.display(description="state", ordering="status")
    def state(self, comment):
        return comment.get_status_display()

    @admin.display(description="reports", ordering="open_reports")
    def reports(self, comment):
        """Readers' reports still open on the comment's article: a story under dispute."""
        return comment.open_reports

    @admin.display(description="age", ordering="-created_at")
    def age(self, comment):
        return f"{timesince(comment.created_at).split(',')[0]} ago"

    @admin.display(description="moderate")
    def moderate_buttons(self, comment):
        """Real submit buttons in the changelist's own form (CSRF token included): keyboard
        reachable, and they work without JavaScript."""
        return format_html_join(
            "",
            '<button type="submit" class="button moderate-{}" name="{}" value="{}:{}">{}</button>',
            (
                (status, ROW_FIELD, status, comment.pk, label)
                for status, (label, _) in ROW_ACTIONS.items()
                if status != comment.status
            ),
        )

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
    counts = counts_by_status(article.comments.all())
    return " · ".join(f"{label}: {counts[value]}" for value, label in Comment.Status.choices)


@admin.register(BlockedTerm)
class BlockedTermAdmin(ActionAdmin):
    list_display = ["term", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["term", "note"]
