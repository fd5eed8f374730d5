"""Review on the article's admin page: the panel in the form's right-hand column, the one
URL its buttons post to, and the workflows editors configure per section.

Like the notes panel, the review panel's fields belong (through their `form` attribute)
to a separate form outside the article's, so a decision is posted without script and
without the article's fields. Every write is an action (articles.actions.reviews).
"""

import re

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles import reviews, roles
from articles.actions import filing as filing_actions
from articles.actions import reviews as review_actions
from articles.admin.base import ActionAdmin, LabelledTabularInline, panel_answer
from articles.models import ReviewDecision, SignOffLink, Workflow, WorkflowStep

FORM_ID = "review-form"
# What a button asks: a verb, or "revoke:" and the link it is for.
_DO = re.compile(r"^(?:submit|approve|changes|link|revoke:\d{1,18})$")
Outcome = ReviewDecision.Outcome


class ReviewFilter(admin.SimpleListFilter):
    """Articles sent for review that are not yet public and still wait for a step: all of
    them, or those whose next step is a legal one (the legal role's queue)."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for review"), ("legal", "Waiting for a legal step")]

    def queryset(self, request, queryset):
        if self.value() not in ("waiting", "legal"):
            return queryset
        sent = queryset.filter(review_decisions__outcome=Outcome.SUBMITTED).distinct()
        waiting = []
        for article in sent.select_related("section"):
            if article.is_published():
                continue
            current = reviews.review_of(article).current
            if current and (self.value() == "waiting" or current.step.is_legal):
                waiting.append(article.pk)
        return queryset.filter(pk__in=waiting)


def panel(request, article):
    """The review panel's context: each step, its latest decision, and what this user may do."""
    review = reviews.review_of(article)
    if not review.steps:
        return None
    user = request.user
    current = review.current
    return {
        "form_id": FORM_ID,
        "url": reverse("admin:articles_article_review", args=[article.pk]),
        "review": review,
        "digest": review.digest,
        "history": article.review_decisions.select_related("decided_by", "link")[:20],
        "may_submit": current is not None
        and _to_send(review)
        and roles.may_change(user, article, article.status),
        "may_decide": current is not None and reviews.may_decide(user, current.step),
        "may_send_link": current is not None and current.step.is_legal and roles.may_publish(user),
        # Who was asked, and their address, is the editors' business.
        "links": article.sign_off_links.all()[:5] if roles.may_publish(user) else [],
        "may_revoke": roles.may_publish(user),
    }


def _to_send(review):
    """Whether sending for review says anything new: never sent, sent before an edit, or
    sent back with changes asked for."""
    sent = review.submitted
    return sent is None or sent.digest != review.digest or review.current.changes_requested


class ReviewForm(forms.Form):
    do = forms.RegexField(_DO)
    step = forms.CharField(required=False, max_length=60)
    comment = forms.CharField(required=False, max_length=review_actions.COMMENT_LIMIT)
    digest = forms.CharField(required=False, max_length=64)
    name = forms.CharField(required=False, max_length=120)
    email = forms.EmailField(required=False)
    days = forms.IntegerField(required=False, min_value=1, max_value=30)

    def __init__(self, data):
        super().__init__(data, prefix="review")


def review_view(model_admin, request, object_id):
    """POST only: the panel's buttons. Back to the article's review with what happened."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = model_admin._article_or_403(request, object_id)
    back = reverse("admin:articles_article_change", args=[article.pk]) + "#review"
    form = ReviewForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        model_admin.message_user(request, f"Nothing was changed: {problems}.", messages.ERROR)
        return HttpResponseRedirect(back)
    return panel_answer(
        model_admin, request, back, lambda: _do(request, article, form.cleaned_data)
    )


def _do(request, article, data):
    if data["do"] == "submit":
        review_actions.submit(request.user, article, data["comment"])
        return "Sent for review."
    if data["do"] == "link":
        link = review_actions.send_sign_off_link(
            request.user, article, name=data["name"], email=data["email"], days=data["days"]
        )
        return f"Sign-off link emailed to {link.recipient_email}; it works once."
    if data["do"].startswith("revoke:"):
        link = get_object_or_404(SignOffLink, pk=data["do"].split(":")[1], article=article)
        review_actions.revoke_sign_off_link(request.user, link)
        return f"The link for {link.recipient_name} no longer works."
    outcome = Outcome.APPROVED if data["do"] == "approve" else Outcome.CHANGES
    review_actions.decide(
        request.user, article, data["step"], outcome, data["comment"], data["digest"]
    )
    return f"{data['step']}: {outcome.label.lower()}."


class WorkflowStepInline(LabelledTabularInline):
    model = WorkflowStep
    extra = 1
    fields = ["position", "name", "kind"]


@admin.register(Workflow)
class WorkflowAdmin(ActionAdmin):
    """The review steps per section: a section's articles go through its workflow's steps
    in order; the rules add a legal step where one is needed (articles.reviews). A section
    chooses its workflow on its own page."""

    inlines = [WorkflowStepInline]
    list_display = ["name", "steps_in_order", "sections_using"]

    def save_formset(self, request, form, formset, change):
        for step in formset.save(commit=False):
            filing_actions.save(request.user, step)
        for step in formset.deleted_objects:
            filing_actions.delete(request.user, step)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("steps", "sections")

    @admin.display(description="steps")
    def steps_in_order(self, workflow):
        return " → ".join(step.name for step in workflow.steps.all())

    @admin.display(description="sections")
    def sections_using(self, workflow):
        return ", ".join(section.name for section in workflow.sections.all()) or "—"
