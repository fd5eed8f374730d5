"""Notes on articles: threads on the article or a paragraph, resolved or open, @mentions
emailed once; for the newsroom only (never on a public surface), audited, redacted with
the article, and refused to whoever may not open the article."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import previews, roles
from articles.actions import NotAllowed, Refused
from articles.actions import notes as note_actions
from articles.actions import safeguarding as safeguarding_actions
from articles.actions.redaction import redact
from articles.admin import notes as notes_admin
from articles.mentions import email_mentions, usernames
from articles.models import Article, AuditEntry, DoNotIdentify, Note, NoteMention, PreviewLink
from articles.models.notes import paragraphs_of
from tests.factories import (
    SYSTEM,
    edit,
    make_article,
    make_author,
    make_member,
    make_section,
    make_staff,
    make_tag,
)
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

BODY = (
    "The council met on Tuesday.\n\n"
    "Its leader, Ann Lee, said the harbour wall would be rebuilt by spring next year, "
    "whatever the cost to the town and whatever the engineers' report may find.\n\n"
    "Residents were not convinced."
)


@pytest.fixture
def newsroom():
    users = {
        "writer": make_member("wendy", "Writers"),
        "other_writer": make_member("walt", "Writers"),
        "moderator": make_member("mo", "Moderators"),
        "editor": make_member("eddie", "Editors"),
        "legal": make_member("lex", "Legal"),
        "superuser": make_staff("root"),
    }
    draft = make_article(
        headline="Harbour wall draft", body=BODY, status=Article.Status.DRAFT,
        published_at=None, created_by=users["writer"],
    )  # fmt: skip
    return users, draft


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def notes_url(article):
    return reverse("admin:articles_article_notes", args=[article.pk])


def snapshot():
    """The notes, their mentions and the audit log, as stored."""
    return (
        sorted(map(repr, Note.objects.values_list())),
        sorted(map(repr, NoteMention.objects.values_list())),
        AuditEntry.objects.count(),
    )


# Threads, anchors, resolving ------------------------------------------------------------


def test_a_thread_on_a_paragraph_with_replies(newsroom):
    users, draft = newsroom
    note = note_actions.add(users["editor"], draft, "  Is the spring date sourced?  ", paragraph=2)
    assert note.body == "Is the spring date sourced?"
    assert note.paragraph == 2
    assert note.quote.startswith("Its leader, Ann Lee, said the harbour wall")
    assert note.quote.endswith("…") and len(note.quote) == 120
    reply = note_actions.reply(users["writer"], note, "Yes: the council's press release.")
    again = note_actions.reply(users["editor"], reply, "Thanks, resolved then.")
    assert reply.parent == note and again.parent == note  # a reply to a reply joins the thread
    assert list(draft.notes.threads()) == [note]
    assert list(note.replies.all()) == [reply, again]
    assert note.author == users["editor"] and reply.author == users["writer"]


def test_the_quote_keeps_the_anchor_through_edits(newsroom):
    users, draft = newsroom
    note = note_actions.add(users["editor"], draft, "Check the name.", paragraph=2)
    assert note.where_now(paragraphs_of(draft.body)) == 2
    draft = edit(draft, body="A new first paragraph.\n\n" + BODY)
    assert note.where_now(paragraphs_of(draft.body)) == 3
    draft = edit(draft, body="The council met.\n\nIts leader said nothing.")
    assert note.where_now(paragraphs_of(draft.body)) is None
    assert Note.objects.get(pk=note.pk).quote.startswith("Its leader, Ann Lee")


def test_a_paragraph_that_is_not_there_is_refused(newsroom):
    users, draft = newsroom
    for paragraph in (0, 4):
        with pytest.raises(Refused, match="has 3 paragraph"):
            note_actions.add(users["editor"], draft, "Here?", paragraph=paragraph)
    for body in ("", "   \n ", "x" * (note_actions.MAX_LENGTH + 1)):
        with pytest.raises(Refused):
            note_actions.add(users["editor"], draft, body)
    assert not Note.objects.exists()


def test_resolve_and_reopen_a_thread_and_its_replies(newsroom):
    users, draft = newsroom
    note = note_actions.add(users["writer"], draft, "Headline too long?")
    reply = note_actions.reply(users["editor"], note, "Cut it.")
    other = note_actions.add(users["editor"], draft, "Photo credit missing.")
    assert set(Note.objects.open()) == {note, reply, other}
    note_actions.resolve(users["writer"], reply)  # from a reply: its thread
    note.refresh_from_db()
    assert note.resolved_by == users["writer"] and note.resolved_at is not None
    assert set(Note.objects.open()) == {other}
    with pytest.raises(Refused, match="already resolved"):
        note_actions.resolve(users["editor"], note)
    note_actions.reopen(users["editor"], note)
    note.refresh_from_db()
    assert note.resolved_at is None and note.resolved_by is None
    assert set(Note.objects.open()) == {note, reply, other}
    with pytest.raises(Refused, match="already open"):
        note_actions.reopen(users["editor"], note)


# Mentions -------------------------------------------------------------------------------


def test_mention_names_are_read_like_user_names():
    text = "@eddie, and @wendy. Ask ann@example.org or @j.smith-2+x; @eddie again."
    assert usernames(text) == ["eddie", "wendy", "j.smith-2+x"]


def test_a_mention_emails_the_person_once_through_the_worker(newsroom, mailoutbox):
    users, draft = newsroom
    note = note_actions.add(users["writer"], draft, "@eddie can you read paragraph 2? @nobody")
    assert mailoutbox == []  # never in the request: the worker sends it
    assert [m.user for m in note.mentions.all()] == [users["editor"]]
    assert note.body.endswith("@nobody")  # an unknown name is left as text
    run_worker()
    [mail] = mailoutbox
    assert mail.to == ["eddie@example.org"]
    assert mail.subject == "wendy mentioned you in a note"
    assert f"{change_url(draft)}#note-{note.pk}" in mail.body
    # The mail carries no newsroom text: not the note, not the headline.
    assert "paragraph 2" not in mail.body and "Harbour" not in mail.body + mail.subject
    assert note.mentions.get().emailed_at is not None
    email_mentions.enqueue(note.pk)  # a duplicate run
    run_worker()
    assert len(mailoutbox) == 1
    reply = note_actions.reply(users["editor"], note, "On it, @wendy.")
    run_worker()
    assert [m.to for m in mailoutbox[1:]] == [["wendy@example.org"]]
    assert f"#note-{note.pk}" in mailoutbox[1].body and reply.mentions.count() == 1


def test_a_mention_another_run_claimed_meanwhile_is_not_sent_twice(
    newsroom, mailoutbox, monkeypatch
):
    users, draft = newsroom
    note = note_actions.add(users["editor"], draft, "@lex look.")
    may_view = roles.may_view

    def another_worker_claims_it(user, article):
        NoteMention.objects.update(emailed_at=timezone.now())
        return may_view(user, article)

    monkeypatch.setattr(roles, "may_view", another_worker_claims_it)
    assert email_mentions.call(note.pk) == "sent 0"
    assert mailoutbox == []


def test_a_mention_reaches_only_those_who_may_open_the_article(newsroom, mailoutbox):
    users, draft = newsroom
    make_staff("gone", superuser=False, is_active=False)
    text = "@walt @mo @gone @lex @root: please look."
    note = note_actions.add(users["editor"], draft, text)
    # Another writer's draft, a moderator, an inactive account: not reached.
    assert {m.user.username for m in note.mentions.all()} == {"lex", "root"}
    run_worker()
    assert sorted(m.to[0] for m in mailoutbox) == ["lex@example.org", "root@example.org"]
    assert AuditEntry.objects.get(action="note_added").detail["mentioned"] == sorted(
        [users["legal"].pk, users["superuser"].pk]
    )


def test_a_mention_is_not_emailed_to_someone_who_lost_access_meanwhile(newsroom, mailoutbox):
    users, draft = newsroom
    note = note_actions.add(users["writer"], draft, "@walt look, says @wendy.")
    assert not note.mentions.exists()  # walt may not open wendy's draft; wendy wrote it
    note = note_actions.add(users["editor"], draft, "@lex look.")
    users["legal"].groups.clear()
    run_worker()
    assert mailoutbox == []
    assert note.mentions.get().emailed_at is None


# Roles ----------------------------------------------------------------------------------


def test_who_may_read_write_and_delete_notes(newsroom):
    users, draft = newsroom
    editors_note = note_actions.add(users["editor"], draft, "Editor's note.")
    writers_note = note_actions.add(users["writer"], draft, "Writer's note.")
    legal_note = note_actions.add(users["legal"], draft, "Lawyer's note.")  # legal may note
    for role in ("moderator", "other_writer"):
        before = snapshot()
        for act in (
            lambda u: note_actions.add(u, draft, "Mine."),
            lambda u: note_actions.reply(u, editors_note, "Mine."),
            lambda u: note_actions.resolve(u, editors_note),
            lambda u: note_actions.delete(u, editors_note),
        ):
            with pytest.raises(NotAllowed):
                act(users[role])
        assert snapshot() == before, role
    before = snapshot()
    with pytest.raises(NotAllowed, match="author or an editor"):
        note_actions.delete(users["writer"], editors_note)
    with pytest.raises(NotAllowed):
        note_actions.delete(users["legal"], writers_note)
    assert snapshot() == before
    note_actions.delete(users["writer"], writers_note)
    note_actions.delete(users["editor"], legal_note)
    assert list(Note.objects.all()) == [editors_note]


def test_a_thread_with_someone_elses_reply_is_deleted_only_by_an_editor(newsroom):
    users, draft = newsroom
    thread = note_actions.add(users["writer"], draft, "Mine.")
    note_actions.reply(users["editor"], thread, "Mine too.")
    with pytest.raises(NotAllowed):
        note_actions.delete(users["writer"], thread)
    note_actions.delete(users["editor"], thread)
    assert not Note.objects.exists()


def test_a_moderator_sees_no_notes_and_cannot_post_any(newsroom):
    users, draft = newsroom
    note_actions.add(users["editor"], draft, "Private marker Quillfeather.")
    client = client_for(users["moderator"], enforce_csrf_checks=False)
    assert client.get(change_url(draft)).status_code in (403, 404)
    before = snapshot()
    response = client.post(notes_url(draft), {"note-do": "add", "note-body": "Mine."})
    assert response.status_code in (403, 404)
    assert snapshot() == before


# Audit ----------------------------------------------------------------------------------


def test_every_change_is_audited_with_the_text_only_without_a_register(newsroom):
    users, draft = newsroom
    note = note_actions.add(users["editor"], draft, "First note.", paragraph=1)
    reply = note_actions.reply(users["writer"], note, "A reply.")
    note_actions.resolve(users["writer"], note)
    note_actions.reopen(users["editor"], note)
    pk = note.pk
    note_actions.delete(users["editor"], note)
    entries = list(AuditEntry.objects.filter(action__startswith="note_").order_by("id"))
    assert [(e.action, e.actor, e.article_id) for e in entries] == [
        ("note_added", users["editor"], draft.pk),
        ("note_added", users["writer"], draft.pk),
        ("note_resolved", users["writer"], draft.pk),
        ("note_reopened", users["editor"], draft.pk),
        ("note_deleted", users["editor"], draft.pk),
    ]
    assert entries[0].detail == {
        "note": pk, "thread": pk, "paragraph": 1, "mentioned": [],
        "text": "First note.",
    }  # fmt: skip
    assert entries[1].detail["thread"] == pk and entries[1].detail["text"] == "A reply."
    assert entries[4].detail == {"note": pk, "thread": pk, "replies": 1}
    assert reply.pk not in Note.objects.values_list("pk", flat=True)

    entry = DoNotIdentify(article=draft, term="Ann Lee", reason=DoNotIdentify.Reason.ANONYMITY)
    safeguarding_actions.save_entry(users["editor"], entry)
    note_actions.add(users["editor"], draft, "Ann Lee asked not to be named.")
    latest = AuditEntry.objects.filter(action="note_added").latest("id")
    assert "text" not in latest.detail
    assert "Ann Lee" not in repr(AuditEntry.objects.filter(article=draft).values_list("detail"))


# Never public -------------------------------------------------------------------------


def test_notes_are_on_no_public_surface(client, newsroom, settings):
    settings.STANDFIRST_PAGE_CACHE = True
    users, _ = newsroom
    section, tag, author = make_section(slug="n"), make_tag(slug="n"), make_author(slug="n")
    live = make_article(
        headline="Harbour wall rebuilt", body=BODY, section=section, tags=[tag],
        authors=[author], published_at=timezone.now() - timedelta(minutes=5),
    )  # fmt: skip
    marker = "Zanzibarquill"
    thread = note_actions.add(users["editor"], live, f"{marker} is the source.", paragraph=2)
    note_actions.reply(users["superuser"], thread, f"{marker} ok")
    link = PreviewLink.objects.create(article=live, created_by=users["editor"])
    day = live.pub_date
    surfaces = [
        "/", "/section/n/", "/tag/n/", "/author/n/", f"/{day:%Y}/", f"/{day:%Y}/{day:%m}/",
        f"/{day:%Y}/{day:%m}/{day:%d}/", live.get_absolute_url(), "/search/?q=harbour",
        "/feed/", "/feed/atom/", "/section/n/feed/", "/tag/n/feed/", "/sitemap.xml",
        "/sitemap-articles.xml", "/sitemap-news.xml", "/corrections/", "/corrections/feed/",
        previews.url(link).removeprefix(settings.SITE_URL),
    ]  # fmt: skip
    for _ in range(2):  # the second answer comes from the page cache
        for url in surfaces:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert marker not in body, url
            assert "note-" not in body and "notes-form" not in body, url
    assert "Harbour wall rebuilt" in client.get("/search/?q=harbour").content.decode()
    found = client.get(f"/search/?q={marker}").content.decode()  # it repeats the query
    assert "Harbour wall rebuilt" not in found and "is the source" not in found
    # The editor's page does show it: the marker is there to be found.
    assert marker in client_for(users["editor"]).get(change_url(live)).content.decode()


# Redaction ------------------------------------------------------------------------------


def test_redaction_rewrites_the_notes_and_their_audit_text(newsroom):
    users, draft = newsroom
    thread = note_actions.add(users["editor"], draft, "Did Ann Lee agree?", paragraph=2)
    note_actions.reply(users["writer"], thread, "Lee said yes, on the phone.")
    redact(SYSTEM, [draft], ["Ann Lee", "Lee"], "[name removed]")
    thread.refresh_from_db()
    assert thread.body == "Did [name removed] agree?"
    assert "Ann Lee" not in thread.quote and "[name removed]" in thread.quote
    assert thread.replies.get().body == "[name removed] said yes, on the phone."
    details = repr(list(AuditEntry.objects.filter(article=draft).values_list("detail")))
    assert "Lee" not in details
    assert not Note.objects.filter(body__contains="Lee").exists()


# The admin page -------------------------------------------------------------------------


def test_the_panel_is_in_the_right_column_with_its_own_form(newsroom):
    users, draft = newsroom
    note_actions.add(users["editor"], draft, "Open one <b>bold</b>.", paragraph=3)
    done = note_actions.add(users["editor"], draft, "Done one.")
    note_actions.resolve(users["editor"], done)
    html = client_for(users["writer"]).get(change_url(draft)).content.decode()
    main_form = html[html.index('<form enctype="multipart/form-data"') :]
    notes_form = html[: html.index('<form enctype="multipart/form-data"')]
    assert re.search(r'<form id="notes-form" method="post" action="[^"]+/notes/" hidden>'
                     r'<input type="hidden" name="csrfmiddlewaretoken"', notes_form)  # fmt: skip
    side = main_form[main_form.index('<div class="article-side">') :]
    panel = side[side.index('id="notes"') :]
    panel = panel[: panel.index("</fieldset>")]
    assert "Notes (1 open)" in panel
    assert "Open one &lt;b&gt;bold&lt;/b&gt;." in panel  # plain text, escaped
    assert "On ¶ 3: <q>Residents were not convinced.</q>" in panel
    assert "<summary>1 resolved</summary>" in panel
    for control in re.findall(r"<(?:textarea|select|button)[^>]*>", panel):
        assert 'form="notes-form"' in control, control
    assert "<script" not in panel and "style=" not in panel
    # The writer may delete neither the editor's notes here.
    assert 'value="delete:' not in panel


def test_notes_are_posted_from_the_panel_with_csrf(newsroom, mailoutbox):
    users, draft = newsroom
    client = client_for(users["writer"], enforce_csrf_checks=True)
    page = client.get(change_url(draft)).content.decode()
    token = re.search(r'id="notes-form".*?name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    assert (
        client.post(notes_url(draft), {"note-do": "add", "note-body": "No token."}).status_code
        == 403
    )
    response = client.post(
        notes_url(draft),
        {
            "csrfmiddlewaretoken": token,
            "note-do": "add",
            "note-body": "Ask @eddie.",
            "note-paragraph": "1",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    note = Note.objects.get()
    assert (note.author, note.paragraph, note.body) == (users["writer"], 1, "Ask @eddie.")
    post = lambda data: client.post(notes_url(draft), {"csrfmiddlewaretoken": token, **data})  # noqa: E731
    post({"note-do": f"reply:{note.pk}", f"reply-{note.pk}": "Myself again."})
    post({"note-do": f"resolve:{note.pk}"})
    assert Note.objects.get(pk=note.pk).resolved_by == users["writer"]
    post({"note-do": f"reopen:{note.pk}"})
    assert Note.objects.open().count() == 2
    followed = client.get(change_url(draft)).content.decode()
    assert "Thread reopened." in followed and "Myself again." in followed
    post({"note-do": f"delete:{note.pk}"})
    assert not Note.objects.exists()


def test_bad_input_is_a_message_and_changes_nothing(newsroom):
    users, draft = newsroom
    note = note_actions.add(users["editor"], draft, "Editor's.")
    other = note_actions.add(users["editor"], make_article(), "Elsewhere.")
    client = client_for(users["editor"])
    before = snapshot()
    cases = {
        "empty": {"note-do": "add", "note-body": "  "},
        "paragraph": {"note-do": "add", "note-body": "x", "note-paragraph": "9"},
        "paragraph text": {"note-do": "add", "note-body": "x", "note-paragraph": "two"},
        "verb": {"note-do": "publish:1", "note-body": "x"},
        "no verb": {"note-body": "x"},
        "twice resolved": {"note-do": f"reopen:{note.pk}"},
        "empty reply": {"note-do": f"reply:{note.pk}", f"reply-{note.pk}": ""},
    }
    for case, data in cases.items():
        response = client.post(notes_url(draft), data, follow=True)
        assert response.status_code == 200, case
        assert "Nothing was changed" in response.content.decode(), case
    # A note of another article, a note that is not there, a GET.
    assert client.post(notes_url(draft), {"note-do": f"delete:{other.pk}"}).status_code == 404
    assert client.post(notes_url(draft), {"note-do": "delete:999999"}).status_code == 404
    assert client.get(notes_url(draft)).status_code == 405
    assert snapshot() == before


def test_the_writer_is_refused_an_editors_note_through_the_admin(newsroom):
    users, draft = newsroom
    note = note_actions.add(users["editor"], draft, "Editor's.")
    before = snapshot()
    response = client_for(users["writer"]).post(notes_url(draft), {"note-do": f"delete:{note.pk}"})
    assert response.status_code == 403
    assert snapshot() == before


def test_the_panel_costs_the_same_queries_however_many_notes(
    newsroom, rf, django_assert_num_queries
):
    users, draft = newsroom
    request = rf.get("/")
    request.user = users["writer"]
    note_actions.add(users["editor"], draft, "One.")
    notes_admin.panel(request, draft)  # the user's permissions are cached from here on
    with django_assert_num_queries(2):  # the threads, their replies
        notes_admin.panel(request, draft)
    for n in range(4):
        thread = note_actions.add(users["writer"], draft, f"Thread {n}.", paragraph=1)
        note_actions.reply(users["editor"], thread, "Reply.")
        note_actions.reply(users["writer"], thread, "Reply.")
    with django_assert_num_queries(2):
        context = notes_admin.panel(request, draft)
    assert len(context["open"]) == 5
    mine = [t for t in context["open"] if t.author == users["writer"]]
    assert not any(t.deletable for t in mine)  # each has an editor's reply
    assert all(r.deletable == (r.author == users["writer"]) for t in mine for r in t.replies.all())
