"""Review before publishing: a section's steps in order (writer → editor → legal), the legal
step the rules add (sensitive, a register name, a legal hold, a no-edits licence), each
decision audited with its revision, and an edit after approval that stops it counting.
Through the newsroom actions and the admin's review panel."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import reviews
from articles.actions import GateClosed, NotAllowed, Refused
from articles.actions import articles as article_actions
from articles.actions import holds as hold_actions
from articles.actions import reviews as review_actions
from articles.actions import safeguarding as safeguarding_actions
from articles.models import (
    Article,
    AuditEntry,
    DoNotIdentify,
    LegalHold,
    Republication,
    ReviewDecision,
    Workflow,
    WorkflowStep,
)
from tests.factories import (
    SYSTEM,
    approve_all,
    edit,
    make_article,
    make_member,
    make_section,
    make_staff,
    make_tag,
    with_helpline,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _helpline():
    """The helpline a sensitive story needs beside it before it is published."""
    with_helpline()


APPROVED, CHANGES = ReviewDecision.Outcome.APPROVED, ReviewDecision.Outcome.CHANGES


@pytest.fixture
def people():
    return {
        "writer": make_member("wendy", "Writers"),
        "editor": make_member("eddie", "Editors"),
        "legal": make_member("lex", "Legal"),
    }


@pytest.fixture
def desk_section():
    """A section whose workflow is writer → Chief sub (editor) → Legal."""
    workflow = Workflow.objects.create(name="Investigations")
    WorkflowStep.objects.create(workflow=workflow, position=1, name="Chief sub", kind="editor")
    WorkflowStep.objects.create(workflow=workflow, position=2, name="Legal", kind="legal")
    return make_section(name="Investigations", slug="investigations", workflow=workflow)


def draft(**fields):
    return make_article(status=Article.Status.DRAFT, published_at=None, **fields)


def publish(article, actor):
    return article_actions.publish(actor, Article.objects.get(pk=article.pk))


def refusal(call):
    with pytest.raises(Refused) as raised:
        call()
    return " ".join(raised.value.messages)


def test_a_section_workflow_goes_writer_editor_legal_then_publishes(people, desk_section):
    article = draft(section=desk_section, created_by=people["writer"])
    writer, editor, legal = people["writer"], people["editor"], people["legal"]

    assert reviews.review_of(article).summary() == "Not sent for review: needs Chief sub, Legal"
    review_actions.submit(writer, article, "Ready for the sub.")
    assert reviews.review_of(article).summary() == "In review: waiting for Chief sub"

    with pytest.raises(GateClosed) as closed:
        publish(article, editor)
    assert [p.rule for p in closed.value.problems] == ["review", "review"]
    assert not closed.value.overridable
    assert "Needs the Chief sub step's approval" in str(closed.value)

    # In order: legal cannot go first; each step only by those who may decide it.
    assert "Chief sub decides first" in refusal(
        lambda: review_actions.decide(legal, article, "Legal", APPROVED)
    )
    with pytest.raises(NotAllowed):
        review_actions.decide(writer, article, "Chief sub", APPROVED)
    review_actions.decide(editor, article, "Chief sub", APPROVED, "Subbed.")
    with pytest.raises(NotAllowed):  # an editor sends the link; the lawyers sign
        review_actions.decide(editor, article, "Legal", APPROVED)
    assert "already approved" in refusal(
        lambda: review_actions.decide(editor, article, "Chief sub", APPROVED)
    )
    review_actions.decide(legal, article, "Legal", APPROVED, "Fine to run.")
    assert reviews.review_of(article).summary() == "Approved: ready to publish"

    publish(article, editor)
    assert Article.objects.get(pk=article.pk).is_published()
    actions = list(
        AuditEntry.objects.filter(article=article)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == ["review_submitted", "review_approved", "review_approved", "published"]
    approved = AuditEntry.objects.filter(article=article, action="review_approved").first()
    assert approved.actor == legal
    assert approved.detail == {
        "step": "Legal",
        "revision": 1,
        "version": 1,
        "comment": "Fine to run.",
    }


def test_an_article_without_steps_or_rules_publishes_as_before(people):
    article = draft()
    assert reviews.required_steps(article) == []
    publish(article, people["editor"])
    assert "no review" in refusal(lambda: review_actions.submit(people["editor"], article))


@pytest.mark.parametrize("rule", ["sensitive", "register", "hold", "no-edits licence"])
def test_each_rule_adds_the_legal_step_even_without_a_workflow(people, rule):
    tag = make_tag()
    article = draft(tags=[tag])
    if rule == "sensitive":
        article = edit(article, sensitive=True)
        why = "a sensitive story"
    elif rule == "register":
        entry = DoNotIdentify.objects.create(
            article=article, term="Body", reason=DoNotIdentify.Reason.RESTRICTION
        )
        # A sign-off lets the name stand; the lawyer still reads it.
        safeguarding_actions.sign_off(people["editor"], entry, "Named in open court.")
        why = "it names someone on its do-not-identify register"
    elif rule == "hold":
        hold_actions.apply_hold(
            people["editor"], LegalHold(tag=tag, reason="Trial under way", created_by=None)
        )
        why = "a legal hold on one of its tags"
    else:
        Republication.objects.create(
            article=article,
            publisher="Community Care",
            licence=Republication.Licence.CC_BY,
            allowed_edits=Republication.Edits.NONE,
        )
        why = "republished under a licence that allows no edits"
    steps = reviews.required_steps(Article.objects.get(pk=article.pk))
    assert [(s.name, s.kind) for s in steps] == [("Legal", "legal")]
    assert why in steps[0].reasons

    with pytest.raises(GateClosed) as closed:
        publish(article, people["editor"])
    assert why in str(closed.value)
    review_actions.decide(people["legal"], article, "Legal", APPROVED)
    publish(article, people["editor"])
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_a_licence_that_allows_edits_needs_no_legal_step(people):
    article = draft()
    Republication.objects.create(
        article=article,
        publisher="Community Care",
        licence=Republication.Licence.CC_BY,
        allowed_edits=Republication.Edits.ANY,
    )
    assert reviews.required_steps(Article.objects.get(pk=article.pk)) == []


def test_the_rules_make_a_workflows_own_step_the_legal_one_without_doubling_it(
    people, desk_section
):
    article = draft(section=desk_section, sensitive=True)
    steps = reviews.required_steps(article)
    assert [s.name for s in steps] == ["Chief sub", "Legal"]
    assert steps[1].reasons == ("a sensitive story",)


def test_an_edit_after_approval_stops_it_counting_and_placement_does_not(people):
    article = draft(sensitive=True)
    review_actions.decide(people["legal"], article, "Legal", APPROVED)
    edit(article, featured=True)  # placement, not content
    assert reviews.review_of(Article.objects.get(pk=article.pk)).complete

    edit(article, body="A new paragraph the lawyer never read.")
    article = Article.objects.get(pk=article.pk)
    review = reviews.review_of(article)
    assert not review.complete
    assert review.summary() == "Edited since Legal approved: waiting for Legal"
    with pytest.raises(GateClosed):
        publish(article, people["editor"])
    # And publishing in the same save as the edit is held too.
    with pytest.raises(GateClosed):
        edit(article, people["editor"], body="Yet another text.", status="published",
             published_at=timezone.now())  # fmt: skip
    review_actions.decide(people["legal"], article, "Legal", APPROVED)
    publish(article, people["editor"])


def test_a_tag_change_is_content_too(people):
    article = draft(sensitive=True)
    approve_all(article)
    edit(article, relations=lambda a: a.tags.add(make_tag(name="Bradford")))
    assert not reviews.review_of(Article.objects.get(pk=article.pk)).complete


def test_changes_requested_needs_a_comment_and_holds_until_approved_again(people):
    article = draft(sensitive=True)
    assert "needs a comment" in refusal(
        lambda: review_actions.decide(people["legal"], article, "Legal", CHANGES, "  ")
    )
    review_actions.decide(people["legal"], article, "Legal", CHANGES, "Cut paragraph 4.")
    review = reviews.review_of(article)
    assert review.summary() == "Changes requested at Legal"
    with pytest.raises(GateClosed) as closed:
        publish(article, people["editor"])
    assert "Legal asked for changes" in str(closed.value)
    edit(article, body="Paragraph 4 cut.")
    review_actions.submit(people["editor"], article, "Cut as asked.")
    review_actions.decide(people["legal"], article, "Legal", APPROVED)
    publish(article, people["editor"])


def test_a_system_actor_never_decides(people, desk_section):
    article = draft(sensitive=True, section=desk_section)
    for step in ("Chief sub", "Legal"):  # it may publish, but a decision is a person's
        with pytest.raises(NotAllowed):
            review_actions.decide(SYSTEM, article, step, APPROVED)
    with pytest.raises(GateClosed):  # nor does a feed or the importer publish past review
        publish(article, SYSTEM)


def test_a_writer_sends_only_their_own_draft(people):
    mine = draft(sensitive=True, created_by=people["writer"])
    theirs = draft(sensitive=True)
    review_actions.submit(people["writer"], mine)
    with pytest.raises(NotAllowed):
        review_actions.submit(people["writer"], theirs)


def test_a_scheduled_article_edited_after_approval_is_held(people):
    article = draft(sensitive=True)
    approve_all(article)
    article_actions.schedule(people["editor"], article, timezone.now() + timedelta(days=1))
    with pytest.raises(GateClosed):  # it would go public unread
        edit(article, people["editor"], body="Changed after the lawyer read it.")
    edit(article, people["editor"], body="Changed, and taken off the schedule.", status="draft")


def test_a_live_article_takes_a_correction_without_waiting_but_needs_review_to_return(people):
    article = make_article(sensitive=True)  # through review (tests.factories)
    edit(article, people["editor"], body="Corrected while live.")  # the gates, not the review
    article_actions.unpublish(people["editor"], Article.objects.get(pk=article.pk))
    with pytest.raises(GateClosed):
        publish(article, people["editor"])


def test_the_audit_never_holds_a_comment_on_an_article_with_a_register(people):
    article = draft(sensitive=True)
    DoNotIdentify.objects.create(
        article=article, term="Zed", reason=DoNotIdentify.Reason.RESTRICTION
    )
    review_actions.decide(people["legal"], article, "Legal", CHANGES, "Remove Zed's school.")
    entry = AuditEntry.objects.get(article=article, action="review_changes")
    assert "comment" not in entry.detail
    assert ReviewDecision.objects.get(article=article).comment == "Remove Zed's school."


# The admin's review panel ------------------------------------------------------------------


def panel_post(client, article, **fields):
    data = {f"review-{k}": v for k, v in fields.items()}
    return client.post(reverse("admin:articles_article_review", args=[article.pk]), data)


def test_the_panel_takes_each_decision_through_the_actions(people, desk_section):
    article = draft(section=desk_section, created_by=people["writer"])
    change = reverse("admin:articles_article_change", args=[article.pk])
    writer, editor, legal = Client(), Client(), Client()
    writer.force_login(people["writer"])
    editor.force_login(people["editor"])
    legal.force_login(people["legal"])

    page = writer.get(change).content.decode()
    assert "Not sent for review: needs Chief sub, Legal" in page
    assert 'value="approve"' not in page  # a writer decides no step
    response = panel_post(writer, article, do="submit", comment="Over to you.")
    assert response.status_code == 302 and response.url.endswith("#review")
    assert ReviewDecision.objects.filter(outcome="submitted").count() == 1

    digest = reviews.digest_of(article)
    assert panel_post(writer, article, do="approve", step="Chief sub").status_code == 403
    panel_post(editor, article, do="approve", step="Chief sub", digest=digest)
    page = legal.get(change).content.decode()  # the legal role reads and decides
    assert "Approve Legal" in page
    panel_post(legal, article, do="changes", step="Legal", comment="", digest=digest)
    assert ReviewDecision.objects.filter(outcome="changes").count() == 0  # needs a comment
    panel_post(legal, article, do="approve", step="Legal", digest=digest)
    assert reviews.review_of(article).complete


def test_a_decision_on_a_page_opened_before_an_edit_is_refused(people):
    article = draft(sensitive=True)
    client = Client()
    client.force_login(people["legal"])
    seen = reviews.digest_of(article)
    edit(article, body="Changed while the lawyer read the old text.")
    response = panel_post(client, article, do="approve", step="Legal", digest=seen)
    assert response.status_code == 302
    assert not ReviewDecision.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("changed after you opened it" in m for m in messages)


def test_the_panel_needs_csrf_and_a_staff_login(people):
    article = draft(sensitive=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["legal"])
    assert panel_post(client, article, do="approve", step="Legal").status_code == 403
    anonymous = panel_post(Client(), article, do="approve", step="Legal")
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert not ReviewDecision.objects.exists()


def test_bad_panel_input_changes_nothing(people):
    article = draft(sensitive=True)
    client = Client()
    client.force_login(make_staff("root"))
    for fields in ({"do": "explode"}, {"do": "approve", "step": "No such step"}, {"days": "x"}):
        response = panel_post(client, article, **fields)
        assert response.status_code == 302
    assert not ReviewDecision.objects.exists()
    assert (
        client.get(reverse("admin:articles_article_review", args=[article.pk])).status_code == 405
    )


def test_workflows_are_configured_in_the_admin(people):
    client = Client()
    client.force_login(people["editor"])
    response = client.post(
        reverse("admin:articles_workflow_add"),
        {
            "name": "Courts",
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "0",
            "steps-0-position": "1",
            "steps-0-name": "Duty editor",
            "steps-0-kind": "editor",
            "steps-1-position": "2",
            "steps-1-name": "Lawyer",
            "steps-1-kind": "legal",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    workflow = Workflow.objects.get(name="Courts")
    assert [s.name for s in workflow.steps.all()] == ["Duty editor", "Lawyer"]
    writer = Client()
    writer.force_login(people["writer"])
    assert writer.get(reverse("admin:articles_workflow_add")).status_code == 403


def test_redaction_rewrites_review_comments(people):
    from articles.actions.redaction import redact

    article = draft(sensitive=True, body="Ann Lee told the review board.")
    review_actions.decide(people["legal"], article, "Legal", CHANGES, "Is Ann Lee named in court?")
    redact(SYSTEM, [article], ["Ann Lee"], "[name removed]")
    decision = ReviewDecision.objects.get(article=article)
    assert decision.comment == "Is [name removed] named in court?"
    details = repr(list(AuditEntry.objects.filter(article=article).values_list("detail")))
    assert "Ann Lee" not in details


def test_a_browsers_line_breaks_are_not_an_edit(people):
    article = draft(sensitive=True, body="One paragraph.\n\nAnother paragraph.")
    approve_all(article)
    edit(article, body="One paragraph.\r\n\r\nAnother paragraph.\r\n")
    assert reviews.review_of(Article.objects.get(pk=article.pk)).complete


def test_the_article_list_finds_what_waits_for_review(people, desk_section):
    waiting_sub = draft(section=desk_section, headline="Waits for the sub")
    waiting_legal = draft(sensitive=True, headline="Waits for the lawyer")
    draft(sensitive=True, headline="Never sent")
    done = draft(sensitive=True, headline="Approved already")
    for article in (waiting_sub, waiting_legal, done):
        review_actions.submit(people["editor"], article)
    review_actions.decide(people["legal"], done, "Legal", APPROVED)
    client = Client()
    client.force_login(people["legal"])
    url = reverse("admin:articles_article_changelist")
    legal = client.get(url, {"review": "legal"}).content.decode()
    assert "Waits for the lawyer" in legal
    assert "Waits for the sub" not in legal and "Never sent" not in legal
    waiting = client.get(url, {"review": "waiting"}).content.decode()
    assert "Waits for the sub" in waiting and "Waits for the lawyer" in waiting
    assert "Approved already" not in waiting
