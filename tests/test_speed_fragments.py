"""The article page's kept parts (articles.fragments): a page-cache miss re-renders only
what changed, and the page is byte for byte what a full render gives."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import fragments
from articles.actions import comments as comment_actions
from articles.actions import corrections, filing
from articles.actions.redaction import redact
from articles.models import Article, Comment, Correction, RelatedArticle, SiteSettings
from tests.factories import (
    SYSTEM,
    edit,
    make_article,
    make_author,
    make_comment,
    make_section,
    make_tag,
)

pytestmark = pytest.mark.django_db

# With the parts current: the article with its tags (their holds decide the comments),
# and the comments.
KEPT_QUERIES = 3


@pytest.fixture
def kept(settings):
    """The page cache off, so every request renders; the parts kept."""
    settings.STANDFIRST_PAGE_CACHE = False
    settings.STANDFIRST_FRAGMENT_CACHE = True
    SiteSettings.load()


@pytest.fixture
def story():
    section, tag = make_section(), make_tag()
    article = make_article(
        headline="Council review of a child's death",
        section=section,
        tags=[tag],
        authors=[make_author()],
        comments_closed=False,
    )
    # An editor's pick from elsewhere: only its own key ties it to the article's page.
    neighbour = make_article(headline="Another story from the desk", section=make_section())
    edit(
        article,
        relations=lambda a: RelatedArticle.objects.create(article=a, target=neighbour, position=0),
    )
    make_comment(article, body="A first reader's comment.")
    return Article.objects.get(pk=article.pk), neighbour


def fetch(client, url):
    """(queries, HTML) with the per-request form tokens blanked."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    html = re.sub(r'name="(started|token)" value="[^"]*"', 'name="\\1"', response.text)
    return len(queries), html


def test_kept_parts_give_the_same_page_in_fewer_queries(client, settings, story):
    url = story[0].get_absolute_url()
    settings.STANDFIRST_PAGE_CACHE = False
    full_queries, full = fetch(client, url)  # parts not kept: the full render
    settings.STANDFIRST_FRAGMENT_CACHE = True
    assert fetch(client, url)[1] == full  # rendered, and kept
    assert fetch(client, url) == (KEPT_QUERIES, full)
    assert full_queries > KEPT_QUERIES


def test_a_comment_moderated_re_renders_only_the_comments(client, kept, story):
    article, _ = story
    url = article.get_absolute_url()
    fetch(client, url)
    comment = make_comment(article, body="A second reader writes.", status=Comment.Status.PENDING)
    comment_actions.moderate(SYSTEM, Comment.objects.filter(pk=comment.pk), "approved")
    queries, html = fetch(client, url)
    assert queries == KEPT_QUERIES and "A second reader writes." in html


@pytest.mark.parametrize("change", ["article", "correction", "neighbour", "site"])
def test_what_the_parts_show_changing_re_renders_them(client, kept, story, change):
    article, neighbour = story
    url = article.get_absolute_url()
    fetch(client, url)
    if change == "article":
        edit(article, standfirst="A new standfirst for the review.")
        shown = "A new standfirst for the review."
    elif change == "correction":  # the article's row and version stay as they are
        corrections.add(SYSTEM, Correction(article=article, text="We misdated the review."))
        shown = "We misdated the review."
    elif change == "neighbour":  # shown in the related block
        edit(neighbour, headline="A retitled story from the desk")
        shown = "A retitled story from the desk"
    else:
        site = SiteSettings.load()
        site.more_from_label = "Read next"
        filing.save(SYSTEM, site)
        shown = "Read next"
    queries, html = fetch(client, url)
    assert queries > KEPT_QUERIES and shown in html
    assert fetch(client, url) == (KEPT_QUERIES, html)


def test_an_unrelated_change_keeps_the_parts(client, kept, story):
    article, _ = story
    url = article.get_absolute_url()
    fetch(client, url)
    edit(make_article(headline="Elsewhere entirely", section=make_section()), headline="Moved")
    assert fetch(client, url)[0] == KEPT_QUERIES


def test_a_redaction_deletes_the_kept_parts_at_once(client, kept, story):
    article, _ = story
    url = article.get_absolute_url()
    fetch(client, url)
    kept_key = fragments.PREFIX + str(article.pk)
    assert "Council review" in cache.get(kept_key)[1]["main"]
    redact(SYSTEM, [article], ["Council review"], "A review")
    assert cache.get(kept_key) is None  # not even an unreachable copy stays
    queries, html = fetch(client, url)
    assert "Council review" not in html and "A review" in html


def test_a_preview_is_never_kept(admin_client, kept):
    draft = make_article(headline="A draft under review", status="draft")
    admin_client.get(draft.get_absolute_url())
    assert cache.get(fragments.PREFIX + str(draft.pk)) is None


def test_a_changed_article_row_is_never_answered_from_old_parts(client, kept, story):
    """A bulk writer (a restore, a migration) changes rows without a change event: the
    article's own version, read on every request, still refuses the old parts."""
    article, _ = story
    url = article.get_absolute_url()
    fetch(client, url)
    type(article).objects.filter(pk=article.pk).update(
        standfirst="Restored standfirst.", version=article.version + 1
    )
    assert "Restored standfirst." in fetch(client, url)[1]
