"""Every save keeps a revision; the admin diffs any two and restores an old one as new."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, AuditEntry, Revision
from articles.revisions import paragraph_diff
from tests.admin_forms import form_data
from tests.factories import edit, make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def revisions_url(article):
    return reverse("admin:articles_article_revisions", args=[article.pk])


def test_every_save_by_any_path_keeps_a_revision(admin_client, admin_user, seed_path):
    article = make_article(headline="First words", status=Article.Status.DRAFT, published_at=None)
    assert [r.number for r in article.revisions.all()] == [1]

    tag, author = make_tag(name="Care"), make_author(name="Ann Writer")
    data = form_data(
        admin_client.get(change_url(article)),
        headline="Second words",
        tags=[str(tag.pk)],
        **{
            "byline_set-TOTAL_FORMS": "1",
            "byline_set-0-author": str(author.pk),
            "byline_set-0-position": "0",
        },
    )
    assert admin_client.post(change_url(article), data).status_code == 302
    changelist = reverse("admin:articles_article_changelist")
    admin_client.post(changelist, {"action": "publish", "_selected_action": [article.pk]})
    call_command("import_article", str(seed_path), stdout=io.StringIO())

    revisions = list(article.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    by_admin = revisions[1]
    assert by_admin.author == admin_user and by_admin.data["headline"] == "Second words"
    # Relations are in the revision although the admin saves them after the article.
    assert by_admin.data["tags"] == [tag.pk]
    assert by_admin.data["bylines"] == [[author.pk, 0]]
    assert revisions[2].data["status"] == "published" and revisions[2].author == admin_user
    assert {r.version for r in revisions} == {1, 2, 3}
    imported = Article.objects.exclude(pk=article.pk).get()
    assert imported.revisions.get().author is None
    assert imported.revisions.get().system_actor == "import_article"
    assert set(by_admin.data) >= {"body", "standfirst", "published_at", "callouts", "related"}


def test_diff_between_any_two_revisions_is_readable_and_escaped(admin_client):
    article = make_article(
        headline="Council cuts budget",
        standfirst="The plan.",
        body="Kept paragraph.\n\nOld middle paragraph here.\n\nRemoved at the end.",
    )
    edit(
        article,
        headline="Council <b>slashes</b> budget",
        body="Kept paragraph.\n\nNew middle paragraph here.\n\nAdded <script>x</script>",
    )
    edit(article, headline="Council slashes budget again")

    html = admin_client.get(revisions_url(article), {"a": 1, "b": 2}).content.decode()
    assert "Council<del> cuts</del><ins> &lt;b&gt;slashes&lt;/b&gt;</ins> budget" in html
    assert "(1 unchanged paragraph)" in html
    assert "<del>Old</del><ins>New</ins> middle paragraph here." in html
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "Standfirst</h3>" not in html  # unchanged parts are not listed
    # Any pair, either order.
    html = admin_client.get(revisions_url(article), {"a": 3, "b": 1}).content.decode()
    assert "From revision 1" in html and "to revision 3" in html
    assert "Council<del> cuts</del><ins> slashes</ins> budget<ins> again</ins>" in html


def test_paragraph_diff_pairs_changed_paragraphs_and_lists_the_rest():
    rows = paragraph_diff("A.\n\nB one.\n\nC.", "A.\n\nB two.\n\nD.\n\nE.")
    assert rows[0] == {"kind": "same", "count": 1}
    changed = [("equal", "B"), ("delete", " one."), ("insert", " two.")]
    assert rows[1:] == [
        {"kind": "changed", "parts": changed},
        {"kind": "changed", "parts": [("delete", "C."), ("insert", "D.")]},
        {"kind": "added", "text": "E."},
    ]


def test_restore_brings_back_an_old_revision_as_a_new_one(admin_client, admin_user):
    tag = make_tag(name="Original tag")
    article = make_article(headline="The original", body="Original body.", tags=[tag])
    edit(article)  # a second revision, the same content
    article = edit(article, headline="A mistaken edit", body="Mistaken body.")
    article.tags.clear()
    edit(article)
    url = reverse("admin:articles_article_restore", args=[article.pk, 2])

    assert admin_client.get(url).status_code == 302  # a GET changes nothing
    assert article.revisions.count() == 4
    response = admin_client.post(url)
    assert response.status_code == 302

    article.refresh_from_db()
    assert article.headline == "The original" and article.body_html == "<p>Original body.</p>"
    assert list(article.tags.all()) == [tag]
    assert article.is_published()  # publishing state is never changed by a restore
    newest = article.revisions.first()
    assert newest.number == 5 and newest.note == "Restored revision 2"
    assert newest.author == admin_user and newest.data["tags"] == [tag.pk]
    entry = AuditEntry.objects.get(action="revision_restored")
    assert entry.article == article and entry.actor == admin_user
    assert entry.detail == {"revision": 2, "kept": []}
    # The mistaken edit is still in the history.
    assert Revision.objects.filter(article=article, data__headline="A mistaken edit").exists()


def test_history_page_lists_revisions_and_links_from_the_change_page(admin_client):
    article = make_article(headline="Listed")
    edit(article)
    html = admin_client.get(change_url(article)).content.decode()
    assert f'href="{revisions_url(article)}"' in html
    html = admin_client.get(revisions_url(article)).content.decode()
    assert html.count("Restore as new revision") == 1  # every revision but the newest
    assert admin_client.get(revisions_url(article), {"a": "x", "b": "999"}).status_code == 200


def test_restore_survives_a_section_deleted_since(admin_client):
    section = make_section(name="Gone soon")
    article = make_article(headline="Filed", section=section)
    edit(article, section=None, headline="Unfiled")
    section.delete()
    url = reverse("admin:articles_article_restore", args=[article.pk, 1])
    assert admin_client.post(url).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Filed" and article.section is None
