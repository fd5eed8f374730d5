"""A lawyer's sign-off page, through a signed single-use link: the article as it will
appear, and a form to approve it or ask for changes (articles.actions.reviews).

Never cached, never indexed. A tampered link, or one whose row is gone, is the site's
404; a used, revoked or expired one says so (410), without the article.
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from articles import reviews, signoff
from articles.actions import Refused
from articles.actions import reviews as review_actions
from articles.models import Article, ReviewDecision
from articles.views.public import article_response, page_article

Outcome = ReviewDecision.Outcome


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(Outcome.APPROVED, "Approve"), (Outcome.CHANGES, "Request changes")],
        widget=forms.RadioSelect,
        label="Do you approve this article for publication as it stands?",
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=review_actions.COMMENT_LIMIT,
        label="Comment",
        help_text="Required when you ask for changes: say what must change.",
    )
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)


def _closed(request, link, why):
    response = render(
        request, "articles/sign_off_closed.html", {"link": link, "why": why}, status=410
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def sign_off(request, token):
    link = signoff.resolve(token)
    if link is None:
        raise Http404("This sign-off link is not valid.")
    if link.used_at:
        return _closed(request, link, "used")
    if not link.is_usable():
        return _closed(request, link, "expired")
    article = page_article(Article.objects.filter(pk=link.article_id)).get()
    digest = reviews.digest_of(article)
    form = DecisionForm(initial={"digest": digest})
    refusal = None
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = review_actions.decide_by_link(
                    link, data["outcome"], data["comment"], data["digest"]
                )
            except Refused as refused:
                refusal = " ".join(refused.messages)
            else:
                response = render(request, "articles/sign_off_done.html", {"decision": decision})
                response["X-Robots-Tag"] = "noindex, nofollow"
                return response
            form = DecisionForm(initial={"digest": digest, "comment": data["comment"]})
    extra = {"sign_off": {"link": link, "form": form, "refusal": refusal}}
    return article_response(
        request, article, preview=True, template="articles/sign_off.html", extra=extra
    )
