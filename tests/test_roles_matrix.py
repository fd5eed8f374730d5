"""The roles as a matrix: every admin action, change view, inline and restore, for each role.

Each cell runs one request as one role against the same newsroom. Where the role may, the
change happens; where it may not, the answer is a redirect to the login, a 403, a 404 (the
object is not even visible to it) or a message, never a server error, and the database is
exactly as it was (every row of every table we write, admin history included).
"""

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from articles.actions import NotAllowed
from articles.actions import previews as preview_actions
from articles.models import (
    Article,
    AuditEntry,
    Comment,
    Correction,
    LegalHold,
    PreviewLink,
    SiteSettings,
    Tag,
)
from tests.admin_forms import form_data
from tests.factories import edit, make_article, make_comment, make_member, make_staff, make_tag

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "writer", "moderator", "editor", "superuser"]
ARTICLE_ADMIN = "admin:articles_article_changelist"
COMMENT_ADMIN = "admin:articles_comment_changelist"


class World:
    """One newsroom: a writer's draft (edited once), a live article with a pending comment,
    and a tag; a logged-in client per role; and the superuser's view of each form (what an
    editor's page would post)."""

    def __init__(self):
        self.users = {
            "writer": make_member("wendy", "Writers"),
            "moderator": make_member("mo", "Moderators"),
            "editor": make_member("eddie", "Editors"),
            "superuser": make_staff("root"),
        }
        self.draft = make_article(
            headline="Wendy's draft", body="First words.", status=Article.Status.DRAFT,
            published_at=None, created_by=self.users["writer"],
        )  # fmt: skip
        self.draft = edit(self.draft, body="Second words.")
        self.others = make_article(
            headline="Another writer's draft", status=Article.Status.DRAFT, published_at=None
        )
        self.live = make_article(headline="Council report", body="The council met Smith.")
        self.comment = make_comment(self.live, body="Well said.", status=Comment.Status.PENDING)
        self.tag = make_tag(name="Councils", slug="councils")
        SiteSettings.load()  # the first page read stores the defaults
        self.clients = {"anonymous": Client()}
        for role, user in self.users.items():
            self.clients[role] = Client()
            self.clients[role].force_login(user)

    def form(self, url, form_id, **changes):
        return form_data(self.clients["superuser"].get(url), form_id, **changes)


def fingerprint():
    """Every row of every table the newsroom writes, as stored."""
    tables = {}
    for model in apps.get_app_config("articles").get_models(include_auto_created=True):
        tables[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
    tables["admin.LogEntry"] = sorted(map(repr, LogEntry.objects.values_list()))
    return tables


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def list_action(changelist, action, *objects, **extra):
    def run(world, client):
        selected = [obj(world).pk for obj in objects]
        data = {"action": action, "_selected_action": selected, **extra}
        return client.post(reverse(changelist), data)

    return run


def change_form(article, form_id="article_form", **changes):
    def run(world, client):
        url = change_url(article(world))
        return client.post(url, world.form(url, form_id, **changes))

    return run


def restore(world, client):
    url = reverse("admin:articles_article_restore", args=[world.draft.pk, 1])
    return client.post(url)


def delete_draft(world, client):
    url = reverse("admin:articles_article_delete", args=[world.draft.pk])
    return client.post(url, {"post": "yes"})


DRAFT, LIVE = (lambda w: w.draft), (lambda w: w.live)
COMMENT, TAG = (lambda w: w.comment), (lambda w: w.tag)
WRITER, MODERATOR, EDITORS = {"writer"}, {"moderator"}, {"editor", "superuser"}


# (what, the request, who may, did it happen?)
CELLS = [
    (
        "create a draft",
        lambda w, c: c.post(
            reverse("admin:articles_article_add"),
            w.form(
                reverse("admin:articles_article_add"),
                "article_form",
                headline="Fresh",
                slug="fresh",
                standfirst="S.",
                body="B.",
                status="draft",
            ),
        ),  # fmt: skip
        WRITER | EDITORS,
        lambda w: Article.objects.filter(slug="fresh").exists(),
    ),
    (
        "edit own draft",
        change_form(DRAFT, headline="Wendy's better draft"),
        WRITER | EDITORS,
        lambda w: Article.objects.filter(headline="Wendy's better draft").exists(),
    ),
    (
        "make own draft featured",
        change_form(DRAFT, featured="on"),
        EDITORS,
        lambda w: Article.objects.get(pk=w.draft.pk).featured,
    ),
    (
        "edit someone else's draft",
        change_form(lambda w: w.others, headline="Taken over"),
        EDITORS,
        lambda w: Article.objects.filter(headline="Taken over").exists(),
    ),
    (
        "edit a live article",
        change_form(LIVE, body="The council met."),
        EDITORS,
        lambda w: Article.objects.get(pk=w.live.pk).body == "The council met.",
    ),
    (
        "add a preview link (inline)",
        change_form(
            DRAFT,
            **{"preview_links-TOTAL_FORMS": "1", "preview_links-0-note": "For the lawyer"},
        ),
        WRITER | EDITORS,
        lambda w: PreviewLink.objects.filter(note="For the lawyer").exists(),
    ),
    (
        "publish (list action)",
        list_action(ARTICLE_ADMIN, "publish", DRAFT),
        EDITORS,
        lambda w: Article.objects.get(pk=w.draft.pk).status == Article.Status.PUBLISHED,
    ),
    (
        "unpublish (list action)",
        list_action(ARTICLE_ADMIN, "unpublish", LIVE),
        EDITORS,
        lambda w: Article.objects.get(pk=w.live.pk).status == Article.Status.DRAFT,
    ),
    (
        "close comments (list action)",
        list_action(ARTICLE_ADMIN, "close_comments", LIVE),
        EDITORS,
        lambda w: Article.objects.get(pk=w.live.pk).comments_closed,
    ),
    (
        "redact a name (list action)",
        list_action(ARTICLE_ADMIN, "redact_name", LIVE, apply="1", names="Smith", replacement="X"),
        EDITORS,
        lambda w: "Smith" not in Article.objects.get(pk=w.live.pk).body,
    ),
    (
        "redact own draft (list action)",
        list_action(
            ARTICLE_ADMIN, "redact_name", DRAFT, apply="1", names="Second", replacement="X"
        ),
        EDITORS,
        lambda w: "Second" not in Article.objects.get(pk=w.draft.pk).body,
    ),
    (
        "restore a revision of own draft",
        restore,
        WRITER | EDITORS,
        lambda w: Article.objects.get(pk=w.draft.pk).body == "First words.",
    ),
    (
        "delete own draft",
        delete_draft,
        EDITORS,
        lambda w: not Article.objects.filter(pk=w.draft.pk).exists(),
    ),
    (
        "approve a comment (list action)",
        list_action(COMMENT_ADMIN, "approve", COMMENT),
        MODERATOR | EDITORS,
        lambda w: Comment.objects.get(pk=w.comment.pk).status == Comment.Status.APPROVED,
    ),
    (
        "close the article's comments from the queue",
        list_action(COMMENT_ADMIN, "close_article_comments", COMMENT),
        EDITORS,
        lambda w: Article.objects.get(pk=w.live.pk).comments_closed,
    ),
    (
        "create a tag",
        lambda w, c: c.post(
            reverse("admin:articles_tag_add"),
            w.form(reverse("admin:articles_tag_add"), "tag_form", name="Fresh", slug="fresh"),
        ),
        EDITORS,
        lambda w: Tag.objects.filter(slug="fresh").exists(),
    ),
    (
        "correct a live article",
        lambda w, c: c.post(
            reverse("admin:articles_correction_add"),
            w.form(
                reverse("admin:articles_correction_add"),
                "correction_form",
                article=str(w.live.pk),
                text="We got the date wrong.",
            ),
        ),  # fmt: skip
        EDITORS,
        lambda w: Correction.objects.filter(text="We got the date wrong.").exists(),
    ),
    (
        "apply a legal hold",
        lambda w, c: c.post(
            reverse("admin:articles_legalhold_add"),
            w.form(
                reverse("admin:articles_legalhold_add"),
                "legalhold_form",
                tag=str(w.tag.pk),
                reason="Trial starts Monday.",
            ),
        ),  # fmt: skip
        EDITORS,
        lambda w: LegalHold.objects.filter(reason="Trial starts Monday.").exists(),
    ),
]


# A writer's form shows the editors' fields read-only: a crafted value is dropped and the
# rest of the form (the writer's own draft) is saved, which is not a refusal.
SAVED_WITHOUT = {("make own draft featured", "writer")}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("what", "request_", "allowed", "happened"), CELLS,
                         ids=[cell[0] for cell in CELLS])  # fmt: skip
def test_each_role_may_do_what_its_row_says_and_a_refusal_stores_nothing(
    role, what, request_, allowed, happened
):
    world = World()
    before = fingerprint()
    response = request_(world, world.clients[role])
    assert response.status_code in (200, 302, 403, 404), (what, role, response.status_code)
    if role in allowed:
        assert happened(world), (what, role, response.content.decode()[:3000])
    else:
        assert not happened(world), (what, role)
        if (what, role) not in SAVED_WITHOUT:
            assert fingerprint() == before, (what, role)


# What each role reads, and what a permitted change records -------------------------------


def test_a_writer_reads_the_audit_log_of_their_own_articles_only():
    world = World()
    edit(world.live, headline="Embargoed: minister resigns")
    client = world.clients["writer"]
    log = client.get(reverse("admin:articles_auditentry_changelist")).content.decode()
    assert "Wendy" in log and "minister resigns" not in log
    other = AuditEntry.objects.filter(article=world.live).first()
    url = reverse("admin:articles_auditentry_change", args=[other.pk])
    assert client.get(url).status_code in (302, 403, 404)
    assert (
        "minister resigns"
        in world.clients["editor"]
        .get(reverse("admin:articles_auditentry_changelist"))
        .content.decode()
    )


def test_a_writers_restore_keeps_the_editors_settings():
    world = World()
    edit(world.draft, actor=world.users["editor"], featured=True, sensitive=True)
    response = restore(world, world.clients["writer"])
    assert response.status_code == 302
    draft = Article.objects.get(pk=world.draft.pk)
    assert draft.body == "First words." and draft.featured and draft.sensitive
    entry = AuditEntry.objects.filter(article=draft, action="revision_restored").get()
    assert entry.actor == world.users["writer"]


def test_closing_comments_from_the_queue_is_an_audited_revision():
    world = World()
    revisions = world.live.revisions.count()
    list_action(COMMENT_ADMIN, "close_article_comments", COMMENT)(world, world.clients["editor"])
    entry = AuditEntry.objects.get(article=world.live, action="comments_closed")
    assert entry.actor == world.users["editor"] and entry.detail["reason"] == "editor"
    assert world.live.revisions.count() == revisions + 1
    assert world.live.revisions.first().author == world.users["editor"]


def test_revoking_and_restoring_a_preview_link_are_audited():
    world = World()
    link = PreviewLink.objects.create(article=world.draft, note="For the lawyer")
    for revoked in (True, False):
        link.revoked = revoked
        preview_actions.save(world.users["writer"], link)
    actions = AuditEntry.objects.filter(article=world.draft, action__startswith="preview")
    assert list(actions.order_by("id").values_list("action", flat=True)) == [
        "preview_link_revoked",
        "preview_link_restored",
    ]
    assert {entry.actor for entry in actions} == {world.users["writer"]}


def test_a_tag_without_published_articles_has_no_public_page():
    world = World()
    empty = make_tag(name="Nothing here", slug="nothing-here")
    assert world.clients["anonymous"].get(empty.get_absolute_url()).status_code == 404
    assert world.clients["anonymous"].get(empty.get_absolute_url() + "feed/").status_code == 404
    edit(world.draft, actor=world.users["editor"], relations=lambda a: a.tags.add(empty))
    assert world.clients["anonymous"].get(empty.get_absolute_url()).status_code == 404
    edit(world.live, relations=lambda a: a.tags.add(empty))
    assert world.clients["anonymous"].get(empty.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "change",
    [{"featured": True}, {"sensitive": True}, {"comments_closed": True},
     {"republish_licence": "cc-by-4.0"}, {"status": "published"}],
    ids=str,
)  # fmt: skip
def test_the_action_refuses_a_writers_change_to_an_editors_field_from_any_caller(change):
    """The form shows them read-only; the action refuses them whoever calls it."""
    world = World()
    if "status" in change:
        change["published_at"] = world.live.published_at
    before = fingerprint()
    with pytest.raises(NotAllowed):
        edit(world.draft, actor=world.users["writer"], **change)
    assert fingerprint() == before


def test_the_action_refuses_a_writers_change_to_someone_elses_draft_from_any_caller():
    world = World()
    before = fingerprint()
    with pytest.raises(NotAllowed):
        edit(world.others, actor=world.users["writer"], headline="Taken over")
    assert fingerprint() == before
