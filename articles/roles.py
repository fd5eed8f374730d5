"""The newsroom's roles: the groups, what each is granted, and the rules the actions apply.

| who        | may                                                                          |
|------------|------------------------------------------------------------------------------|
| Writers    | create drafts and edit their own drafts (not the editors' fields), preview  |
|            | links and revisions of their own articles, the audit log of their own        |
|            | articles; nothing public, no tags, no redaction                              |
| Moderators | comments only                                                                |
| Editors    | everything on articles: publish, schedule, correct, holds, redaction, the    |
|            | do-not-identify register and sign-offs, overrides with a reason; read the    |
|            | background worker's task results                                             |
| Legal      | read articles, the register, the audit log, source alerts and sealed        |
|            | source originals; decide the legal review step                              |
| superusers | everything                                                                   |

The groups are only a default: every rule below asks for a permission, never a group, so a
site may build its own roles. ensure_roles() is idempotent; it adds each group's grants and
takes back the few that earlier versions granted and the matrix no longer allows (REVOKED),
leaving any other permission a site added alone. It takes `apps`, so migrations can pass
historical models.
"""

from django.db.models import Q

WRITERS, EDITORS, MODERATORS, LEGAL = "Writers", "Editors", "Moderators", "Legal"

PUBLISH = "articles.publish_article"
REDACT = "articles.redact_article"
OVERRIDE_FIDELITY = "articles.override_fidelity"
VIEW_REGISTER = "articles.view_donotidentify"
SIGN_OFF = "articles.add_identificationsignoff"
APPROVE_LEGAL = "articles.approve_legal_review"

# What only those who may publish can set: a writer's form shows them read-only, and the
# actions refuse a writer's change to any of them.
EDITOR_FIELDS = (
    "status",
    "published_at",
    "expires_at",
    "featured",
    "comments_closed",
    "comments_closed_reason",
    "comments_closed_note",
    "comments_closed_at",
    "comments_hidden",
    "sensitive",
    "social_image_confirmed",
    "republish_licence",
    "images_redistributable",
)

WRITER_CODENAMES = {
    "add_article", "change_article", "view_article",
    "add_byline", "change_byline", "delete_byline", "view_byline",
    "add_relatedarticle", "change_relatedarticle", "delete_relatedarticle",
    "view_relatedarticle",
    "add_previewlink", "change_previewlink", "view_previewlink",
    "view_revision", "view_auditentry",
    "view_section", "view_tag", "view_author", "view_callout",
}  # fmt: skip
LEGAL_CODENAMES = {
    "view_article", "view_revision", "view_auditentry", "view_sourcesnapshot",
    "view_sealedsource", "view_republication", "view_donotidentify",
    "view_identificationsignoff", "view_correction", "view_legalhold",
    "view_sourcealert", "view_sourcewatch", "approve_legal_review",
}  # fmt: skip
# Grants of earlier versions that the matrix takes back: tags are the editors' (every tag
# had a public page), and moderators see comments only.
REVOKED = {WRITERS: {"add_tag"}, MODERATORS: {"view_article"}}


def ensure_roles(apps, using="default"):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(content_type__app_label="articles")
    grants = {
        WRITERS: permissions.filter(codename__in=WRITER_CODENAMES),
        # The history itself (revisions, audit log, webhook log) is only ever added to, and sealed
        # originals are the legal role's.
        EDITORS: permissions.exclude(
            codename__in=[
                *(
                    f"{verb}_{model}"
                    for verb in ("change", "delete")
                    for model in (
                        "revision",
                        "auditentry",
                        "webhookdelivery",
                        "deliveryattempt",
                        "reviewdecision",
                    )
                ),
                *(f"{verb}_sealedsource" for verb in ("add", "change", "delete", "view")),
                # The legal step is the lawyers': an editor sends the link, never signs.
                "approve_legal_review",
            ]
        ),  # fmt: skip
        # Comments only, by codename wherever the Comment model lives.
        MODERATORS: Permission.objects.using(using).filter(
            Q(content_type__model="comment") | Q(content_type__app_label="comments")
        ),
        LEGAL: permissions.filter(codename__in=LEGAL_CODENAMES),
    }
    # The background worker's task results (queued, running, failed with the error).
    tasks = Permission.objects.using(using).filter(
        content_type__app_label="django_tasks_database", codename__startswith="view_"
    )
    for name, granted in grants.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*granted)
        if name == EDITORS:
            group.permissions.add(*tasks)
        if name in REVOKED:
            group.permissions.remove(*permissions.filter(codename__in=REVOKED[name]))


def ensure_roles_after_migrate(sender, apps=None, using="default", **kwargs):
    """post_migrate receiver for the articles app (see articles.signals); `flush` sends it
    without `apps`. Django's own receiver that creates the permissions of a new model or
    Meta.permissions may run after this one, so the articles' are created here first."""
    if sender.label != "articles":
        return
    if apps is None:
        from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    create_contenttypes(sender, verbosity=0, using=using, apps=apps)
    create_permissions(sender, verbosity=0, using=using, apps=apps)
    ensure_roles(apps, using)


# The rules ------------------------------------------------------------------------------


def may_publish(actor):
    return actor.has_perm(PUBLISH)


def needs_second_factor(user):
    """Must this user pass a second factor (articles.twofactor) before the newsroom opens?
    Whoever may publish or open the do-not-identify register (superusers hold every
    permission)."""
    return user.has_perm(PUBLISH) or user.has_perm(VIEW_REGISTER)


def own_articles(actor):
    """A filter for the articles an actor created or carries a byline on."""
    if getattr(actor, "pk", None) is None:
        return Q(pk__in=[])
    return Q(created_by=actor) | Q(byline__author__user=actor)


def owns(actor, article):
    if article.pk is None:
        return True  # the actor is creating it
    return type(article).objects.filter(own_articles(actor), pk=article.pk).exists()


def may_change(actor, article, stored_status):
    """May the actor change this article at all? Editors any; writers their own drafts."""
    if not actor.has_perm("articles.change_article"):
        return False
    if may_publish(actor):
        return True
    return stored_status == article.Status.DRAFT and owns(actor, article)


def sees_every_article(actor):
    """Editors and the legal role read every article; writers only their own."""
    return may_publish(actor) or actor.has_perm("articles.view_sealedsource")


def visible_articles(actor, articles):
    """The articles whose admin pages, revisions and audit entries the actor may read."""
    if sees_every_article(actor):
        return articles
    return articles.filter(pk__in=articles.model.objects.filter(own_articles(actor)).values("pk"))


def may_view(actor, article):
    """May the actor open this article's admin page (and so read and write its notes)?"""
    staff = actor is not None and actor.is_authenticated and actor.is_active and actor.is_staff
    perms = ("articles.view_article", "articles.change_article")
    if not staff or not any(actor.has_perm(perm) for perm in perms):
        return False
    return sees_every_article(actor) or owns(actor, article)
