"""Checks as you type: each check is a rule of the actions (publishing refused, or advice
returned and audited) and a finding of the article form's checks endpoint (JSON), which
follows the article's role checks, the admin's CSRF check and the register's secrecy."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import gates, readiness
from articles.actions import GateClosed
from articles.actions import articles as article_actions
from articles.models import Article, AuditEntry, DoNotIdentify, Helpline, Republication
from tests.factories import SYSTEM, approve_all, make_article, make_member, make_tag
from tests.test_admin import article_form

pytestmark = pytest.mark.django_db

NAME = "Jamie Brookes"
LONG_HEADLINE = "Council admits failings " + "in the care of a boy over many years " * 3


def draft(**fields):
    return make_article(status=Article.Status.DRAFT, published_at=None, **fields)


def publish(article, actor=SYSTEM):
    return article_actions.publish(actor, article)


def refused(article):
    with pytest.raises(GateClosed) as caught:
        publish(article)
    return caught.value


def checks_url(article):
    return reverse("admin:articles_article_checks", args=[article.pk])


def ask(client, article, **fields):
    return client.post(checks_url(article), fields)


def findings(response):
    assert response.status_code == 200, response.content
    return response.json()["findings"]


def rules(response):
    return [(f["rule"], f["blocking"]) for f in findings(response)]


@pytest.fixture
def editor(client):
    user = make_member("eddie", "Editors")
    client.force_login(user)
    return user


@pytest.fixture
def writer():
    return make_member("wren", "Writers")


# Each check as a rule of the actions ------------------------------------------------------


def test_a_sensitive_story_without_an_active_helpline_is_not_published():
    Helpline.objects.create(name="Retired line", active=False)
    article = draft(sensitive=True)
    approve_all(article)  # the legal read a sensitive story needs (articles.reviews)
    problem = refused(article).problems
    assert [(p.rule, p.overridable) for p in problem] == [(readiness.HELPLINE, False)]
    assert "no helpline is active" in problem[0].message
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    Helpline.objects.create(name="Samaritans", phone="116 123")
    assert publish(article).status == Article.Status.PUBLISHED


def test_a_sensitive_tag_needs_a_helpline_too():
    article = draft(tags=[make_tag(sensitive=True)])
    approve_all(article)
    assert [p.rule for p in refused(article).problems] == [readiness.HELPLINE]


def test_an_ordinary_story_needs_no_helpline():
    assert publish(draft()).status == Article.Status.PUBLISHED


def test_a_hero_without_alt_text_is_not_published():
    """The form and the database refuse an empty alt text; spaces alone pass both."""
    article = draft()
    Article.objects.filter(pk=article.pk).update(hero_image="hero/a.jpg", hero_alt="   ")
    problem = refused(article).problems
    assert [p.rule for p in problem] == [readiness.ALT_TEXT]
    assert problem[0].message.startswith("The hero image has no alt text")


def test_weak_alt_and_long_text_publish_with_advice_in_the_audit_entry(settings):
    article = draft(
        headline=LONG_HEADLINE,
        standfirst="S" * 301,
        body="Intro.\n\n![IMG_2041](/media/inline/a.jpg)\n\n![](/media/inline/b.jpg)",
    )
    published = publish(article)
    assert published.status == Article.Status.PUBLISHED
    advice = AuditEntry.objects.get(article=article, action="published").detail["advice"]
    assert advice == gates.advice(published)
    assert advice == [
        "The alt text of body image 1 (a.jpg) “IMG_2041” is a file name: describe what it shows.",
        "The alt text of body image 2 (b.jpg) is missing: describe what it shows.",
        f"The headline is {len(LONG_HEADLINE.strip())} characters, over the 110 advised: "
        "search engines are given its first 110 characters, and lists and social cards cut "
        "it shorter.",
        "The standfirst is 301 characters, over the 300 advised: it is the page's "
        "description for search results and social cards (unless the SEO description is "
        "set), which cut it short.",
    ]


def test_lengths_follow_the_settings(settings):
    settings.STANDFIRST_HEADLINE_ADVISED_CHARS = 20
    assert gates.advice(Article(headline="x" * 21, standfirst="")) != []
    assert gates.advice(Article(headline="x" * 20, standfirst="")) == []


def test_a_sound_publication_records_no_advice():
    article = publish(draft(body="![Jamie’s mother outside the court](/media/inline/a.jpg)"))
    assert "advice" not in AuditEntry.objects.get(article=article, action="published").detail


@pytest.mark.parametrize(
    ("alt", "reason"),
    [
        ("", "is missing"),
        ("hero-final.JPG", "is a file name"),
        ("DSC_0042", "is a file name"),
        ("Photo", "only says there is an image"),
        ("An image of the", "only says there is an image"),
        ("Protest", "is too short"),
        ("A boy, 7", "is too short"),
        ("Council admits failings!", "repeats the headline"),
        ("Rishi Sunak", ""),
        ("A boarded-up house on Elm Street", ""),
    ],
)
def test_weak_alt_text_rules(alt, reason):
    found = readiness.weak_alt_reason(alt, "Council admits failings")
    assert found.startswith(reason) and bool(found) == bool(reason)


def test_advice_is_shown_after_a_save_in_the_admin(editor, client):
    article = draft(headline="Short")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form(headline=LONG_HEADLINE[:190], slug=article.slug, status="draft")
    data["version"] = article.version
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    said = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("The headline is 1") for m in said), said


# The endpoint -----------------------------------------------------------------------------


def test_the_endpoint_returns_the_findings_of_the_unsaved_text(editor, client):
    article = draft(body="Calm text.")
    DoNotIdentify.objects.create(article=article, term=NAME, reason="restriction")
    response = ask(
        client,
        article,
        headline=LONG_HEADLINE,
        standfirst="Fine.",
        body=f"The boy, {NAME.upper()}, was seven.\n\n![photo](/media/x.jpg)",
        sensitive="on",
    )
    got = findings(response)
    assert [(f["rule"], f["blocking"], f["where"]) for f in got] == [
        ("identification", True, "body"),
        ("helpline", True, "sensitive story"),
        ("alt-text", False, "alt text of body image 1 (x.jpg)"),
        ("length", False, "headline"),
    ]
    assert got[0]["passage"] == "JAMIE BROOKES"
    assert f"“{NAME}” (Reporting restriction)" in got[0]["message"]  # an editor reads the register
    assert response.json()["blocking"] == 2
    stored = Article.objects.get(pk=article.pk)
    assert (stored.body, stored.sensitive, stored.version) == ("Calm text.", False, article.version)


def test_a_clean_text_has_no_findings(editor, client):
    response = ask(client, draft(), headline="Fine", standfirst="Fine.", body="Fine.")
    assert findings(response) == []


def test_hero_alt_and_a_chosen_or_cleared_hero(editor, client):
    article = draft()
    assert rules(ask(client, article, hero_file="boy.jpg", hero_alt="")) == [("alt-text", True)]
    assert rules(ask(client, article, hero_file="boy.jpg", hero_alt="image")) == [
        ("alt-text", False)
    ]
    Article.objects.filter(pk=article.pk).update(hero_image="hero/a.jpg", hero_alt="A house")
    assert rules(ask(client, article, hero_alt=" ")) == [("alt-text", True)]
    assert rules(ask(client, article, hero_alt=" ", hero_cleared="on")) == []


def test_a_quote_that_differs_from_the_licensed_source(editor, client, seed_path):
    call_command("import_article", str(seed_path), "--licence", "CC BY-ND", stdout=io.StringIO())
    article = Article.objects.get()
    body = article.body.replace(
        "had enough information to form a view", "had sufficient information"
    )
    got = findings(ask(client, article, body=body))
    assert [(f["rule"], f["blocking"]) for f in got] == [("fidelity", True)]
    assert "Quote changed" in got[0]["message"] and "sufficient" in got[0]["passage"]
    # as the form has the licence: any edits allowed
    assert findings(ask(client, article, body=body, allowed_edits="any")) == []
    assert Republication.objects.get().allowed_edits == Republication.Edits.NONE


def test_a_writer_learns_of_a_register_match_not_the_entry(writer, client):
    client.force_login(writer)
    article = draft(created_by=writer)
    DoNotIdentify.objects.create(article=article, term=NAME, reason="anonymity")
    got = findings(ask(client, article, body=f"Neighbours knew {NAME.upper()} well."))
    assert [f["rule"] for f in got] == ["identification"]
    assert "a name on the do-not-identify register, in the body" in got[0]["message"]
    assert got[0]["passage"] == NAME.upper()  # their own words, as they wrote them
    assert NAME not in json.dumps(got) and "nonymity" not in json.dumps(got)
    # the sensitive switch is the editors': a writer's form cannot set it
    assert findings(ask(client, article, body="Fine.", sensitive="on")) == []


def test_a_writer_may_not_check_someone_elses_article(writer, client):
    client.force_login(writer)
    theirs = draft()
    response = ask(client, theirs, body="x")
    assert response.status_code == 403 and "may not change" in response.json()["error"]
    own_published = make_article(created_by=writer)
    assert ask(client, own_published, body="x").status_code == 403


def test_a_new_article_is_checked_too(editor, client):
    url = reverse("admin:articles_article_add_checks")
    response = client.post(url, {"headline": LONG_HEADLINE, "body": "x"})
    assert rules(response) == [("length", False)]


def test_readers_and_other_staff_are_refused(client):
    article = draft()
    assert client.post(checks_url(article), {"body": "x"}).status_code == 302  # to the login
    client.force_login(make_member("mo", "Moderators"))
    assert client.post(checks_url(article), {"body": "x"}).status_code == 403


def test_csrf_is_checked(editor):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(checks_url(draft()), {"body": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"headline": "x" * 201}, "headline: Ensure this value has at most 200 characters"),
        ({"allowed_edits": "all of them"}, "allowed edits: Select a valid choice."),
        ({"body": "[" * 300}, "never closed"),
    ],
)
def test_bad_input_is_a_clear_400(editor, client, fields, said):
    response = ask(client, draft(), **fields)
    assert response.status_code == 400 and said in response.json()["error"]


def test_other_bad_requests(editor, client):
    article = draft()
    assert client.get(checks_url(article)).status_code == 405
    bad = reverse("admin:articles_article_checks", args=["abc"])
    assert client.post(bad, {"body": "x"}).status_code == 404
    missing = reverse("admin:articles_article_checks", args=[article.pk + 100])
    assert client.post(missing, {"body": "x"}).status_code == 404


def test_the_rate_limit(editor, client, settings):
    settings.STANDFIRST_MARKDOWN_PREVIEW_RATE = 2
    article = draft()
    codes = [ask(client, article, body="x").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_form_carries_the_panel(editor, client):
    article = draft()
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    html = html.decode()
    assert f'data-url="{checks_url(article)}"' in html
    assert "js/article-checks.js" in html and 'aria-live="polite"' in html


@pytest.mark.parametrize(("entries", "tags"), [(1, 1), (4, 3)])
def test_the_query_cost_is_fixed(editor, client, django_assert_num_queries, entries, tags):
    """However many register entries and tags: the session, the user, the device that
    passed the second factor (django-otp), the article with its
    republication record, the editor's permissions (two), then the register, the tags, the
    article's callouts, the site-wide callouts, corrections, approved comments, the source
    snapshot, the accepted overrides and the helplines."""
    article = draft(tags=[make_tag() for _ in range(tags)])
    terms = [f"Person Number{i}" for i in range(entries)]
    for term in terms:
        DoNotIdentify.objects.create(article=article, term=term, reason="restriction")
    body = " and ".join(terms)
    with django_assert_num_queries(14):
        got = findings(ask(client, article, body=body, sensitive="on"))
    assert [f["rule"] for f in got] == ["identification"] * entries + ["helpline"]
