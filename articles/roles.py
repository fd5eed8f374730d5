"""The newsroom's groups and what each may do. Idempotent: it only ever adds permissions.

Called by the data migration that creates the groups and again after every migrate, so
Moderators get the comment permissions as soon as the Comment model's permissions exist
(it may arrive in a later migration). Takes `apps` so migrations can pass historical models.
"""

from django.db.models import Q

WRITERS, EDITORS, MODERATORS = "Writers", "Editors", "Moderators"

# Writers create and edit their own drafts (the admin limits them to their own, and to
# drafts), with their bylines, related picks and preview links; they cannot publish.
WRITER_CODENAMES = {
    "add_article", "change_article", "view_article",
    "add_byline", "change_byline", "delete_byline", "view_byline",
    "add_relatedarticle", "change_relatedarticle", "delete_relatedarticle",
    "view_relatedarticle",
    "add_previewlink", "change_previewlink", "view_previewlink",
    "view_revision", "view_auditentry",
    "view_section", "add_tag", "view_tag", "view_author", "view_callout",
}  # fmt: skip


def ensure_roles(apps, using="default"):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using)
    grants = {
        WRITERS: permissions.filter(
            content_type__app_label="articles", codename__in=WRITER_CODENAMES
        ),
        # Everything on articles: publish, schedule, correct, safeguarding settings; the
        # history itself (revisions, audit log) is only ever added to.
        EDITORS: permissions.filter(content_type__app_label="articles").exclude(
            codename__in=[
                f"{verb}_{model}"
                for verb in ("change", "delete")
                for model in ("revision", "auditentry")
            ]
        ),
        # Comments only (by codename wherever the Comment model lives), and reading articles.
        MODERATORS: permissions.filter(
            Q(content_type__model="comment")
            | Q(content_type__app_label="comments")
            | Q(content_type__app_label="articles", codename="view_article")
        ),
    }
    for name, granted in grants.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*granted)


def ensure_roles_after_migrate(sender, apps=None, using="default", **kwargs):
    """post_migrate receiver (see ArticlesConfig.ready); `flush` sends it without `apps`."""
    if apps is None:
        from django.apps import apps
    if apps.is_installed("django.contrib.auth") and "articles" in apps.app_configs:
        ensure_roles(apps, using)
