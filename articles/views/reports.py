"""Report a problem: a reader's "report an error or raise a concern", queued for the desk.

Cookie-less like comments (the article page is cached and shared), so no CSRF token: a
same-origin check, a honeypot, a minimum fill time (articles.reports) and a rate limit.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles import reports
from articles.client_ip import client_ip
from articles.comments import count_in_window
from articles.comments import ip_hash as hash_ip
from articles.models import Article, ProblemReport
from articles.origin import require_same_origin


def _report_page(request, article, status, **context):
    return render(
        request,
        "articles/report_problem.html",
        {
            "article": article,
            "kinds": ProblemReport.Kind.choices,
            "token": reports.report_token(article),
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
    age = reports.token_age(article, request.POST.get("token"))
    if age is None:
        return _report_page(request, article, 400, errors=["The form is broken: reload the page."])
    if age > reports.MAX_AGE:
        return _report_page(
            request, article, 400, errors=["The form has expired: reload the page."]
        )
    if age < reports.MIN_SECONDS:
        return _report_page(request, article, 400, errors=["Please take a moment to write it."])
    ip_hash = hash_ip(client_ip(request))
    if count_in_window(f"report-rate:{ip_hash}", 3600) > reports.LIMIT_PER_HOUR:
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
