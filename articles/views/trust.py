"""Reader-facing trust pages: the corrections log and its feed, policy pages."""

import time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from articles.client_ip import client_ip
from articles.comments import count_in_window
from articles.comments import ip_hash as hash_ip
from articles.models import Article, Correction, PolicyPage, ProblemReport, SiteSettings
from articles.origin import require_same_origin
from articles.trust import REPORT_SALT, report_token
from articles.views.public import paginate

FEED_SIZE = 50


def public_corrections():
    """Corrections on articles the public may see, newest first."""
    return Correction.objects.filter(article__in=Article.objects.published()).select_related(
        "article"
    )


class CorrectionsView(TemplateView):
    """/corrections/: every correction, clarification, update and legal amendment."""

    template_name = "articles/correction_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, public_corrections())
        context.update(page_obj=page, corrections=page.object_list)
        return context


class CorrectionsFeed(Feed):
    """RSS of the corrections log, so readers and aggregators hear of every correction."""

    description_template = None

    def title(self):
        return f"Corrections · {SiteSettings.load().publication_name}"

    def link(self):
        return reverse("articles:corrections")

    def description(self):
        return "Corrections, clarifications, updates and legal amendments, newest first."

    def items(self):
        return public_corrections()[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.headline}"

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{settings.SITE_URL}/corrections/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at


def policy_page(request, slug):
    """/about/<slug>/: a standing policy (corrections, ethics, masthead, feedback)."""
    page = get_object_or_404(PolicyPage, slug=slug)
    return render(request, "articles/policy_page.html", {"page": page})


# Report a problem: cookie-less like comments (the article page is cached and shared),
# so no CSRF token; a same-origin check, a honeypot, a minimum fill time and a rate limit.
REPORT_MIN_SECONDS = 3
REPORT_MAX_AGE = 7 * 24 * 3600
REPORT_LIMIT = 5  # per address per hour


def _report_page(request, article, status, **context):
    return render(
        request,
        "articles/report_problem.html",
        {
            "article": article,
            "kinds": ProblemReport.Kind.choices,
            "token": report_token(article),
            **context,
        },
        status=status,
    )


@csrf_exempt  # the form sits on cached, cookie-less pages: same-origin is checked instead
@require_same_origin
@require_POST
def report_problem(request, pk):
    """Take a reader's report into the admin queue; a clear 4xx for anything wrong."""
    article = get_object_or_404(Article.objects.published(), pk=pk)
    if request.POST.get("website"):
        # The honeypot: a bot filled a field people cannot see. Say thanks, keep nothing.
        return _report_page(request, article, 200, thanks=True)
    try:
        signed_pk, issued = (
            signing.Signer(salt=REPORT_SALT).unsign(request.POST["token"]).split(":")
        )
        age = time.time() - int(issued)
    except (KeyError, ValueError, signing.BadSignature):
        return _report_page(request, article, 400, errors=["The form is broken: reload the page."])
    if signed_pk != str(article.pk) or age > REPORT_MAX_AGE:
        return _report_page(
            request, article, 400, errors=["The form has expired: reload the page."]
        )
    if age < REPORT_MIN_SECONDS:
        return _report_page(request, article, 400, errors=["Please take a moment to write it."])
    ip_hash = hash_ip(client_ip(request))
    if count_in_window(f"report-rate:{ip_hash}", 3600) > REPORT_LIMIT:
        response = _report_page(
            request, article, 429, errors=["Too many reports: try again later."]
        )
        response["Retry-After"] = "3600"
        return response
    report = ProblemReport(
        article=article,
        kind=request.POST.get("kind", ""),
        message=request.POST.get("message", "").strip(),
        email=request.POST.get("email", "").strip(),
        ip_hash=ip_hash,
    )
    try:
        report.full_clean(exclude=["correction"])
    except ValidationError as exc:
        errors = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
        return _report_page(request, article, 400, errors=errors, values=request.POST)
    report.save()
    return _report_page(request, article, 201, thanks=True)
