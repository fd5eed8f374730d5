"""Posting a comment: the standalone form page (replies, corrections) and the POST handler.

The POST carries no CSRF token, because the form sits on pages a shared cache serves to
everyone; same-origin headers, a honeypot, a signed fill time and a rate limit stand in
(README: "Comments, caching and CSRF"). Every refusal stores nothing.
"""

from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from articles import commenters
from articles.actions import comments as comment_actions
from articles.client_ip import client_ip
from articles.comments import CommentForm, form_time_token, over_rate_limit
from articles.models import Article, Comment
from articles.origin import require_same_origin
from articles.params import query_int


def _page(request, article, status, **context):
    context = {
        "article": article,
        "comments_open": article.comments_open,
        "comment_started": form_time_token(),
        **context,
    }
    response = render(request, "articles/comment_form.html", context, status=status)
    if request.method == "POST":
        # The answer to one reader's POST (it may echo their email): never stored by a cache.
        add_never_cache_headers(response)
    return response


@csrf_exempt
@require_same_origin
@require_http_methods(["GET", "HEAD", "POST"])
def comment(request, year, month, day, slug):
    """GET: the comment form alone (?reply=<id> to reply). POST: judge and store a comment."""
    try:
        pub_date = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise Http404("No such date.") from exc
    # Only published articles take comments; a draft's address answers 404, as its page does.
    article = get_object_or_404(Article.objects.published(), pub_date=pub_date, slug=slug)
    if request.method != "POST":
        return _reply_form(request, article)
    if not article.comments_open:
        return _page(request, article, 403, refused="Comments are closed on this article.")
    form = CommentForm(request.POST, article=article)
    if form.looks_automated:
        return _page(request, article, 200, quiet_refusal=True)
    if not form.is_valid():
        return _page(request, article, 400, form=form, parent=form.cleaned_data.get("parent"))
    ip = client_ip(request)
    if over_rate_limit(ip, form.cleaned_data["email"]):
        minutes = max(1, settings.STANDFIRST_COMMENT_RATE_WINDOW // 60)
        response = _page(
            request,
            article,
            429,
            form=form,
            refused=(
                "You have sent several comments in a short time. Please wait "
                f"{minutes} minutes and send it again; your text is kept below."
            ),
        )
        response["Retry-After"] = str(settings.STANDFIRST_COMMENT_RATE_WINDOW)
        return response
    proven = commenters.has_proof(request, form.cleaned_data["email"])
    stored = comment_actions.post(form, ip, proven=proven)
    outcome = "published" if stored.status == Comment.Status.APPROVED else "pending"
    response = HttpResponseRedirect(f"{article.get_absolute_url()}?comment={outcome}#comments")
    response.status_code = 303  # See Other: a reload of the next page never posts again
    return response


def _reply_form(request, article):
    parent = None
    reply = query_int(request, "reply")
    if reply is not None:
        parent = (
            Comment.objects.public().filter(article=article, parent__isnull=True, pk=reply).first()
        )
    return _page(request, article, 200, parent=parent)


@never_cache
@require_http_methods(["GET", "HEAD"])
def confirm_commenter(request, token):
    """The link mailed to an approved commenter: remember the proof on this browser.

    Changes nothing on the server, so a mail scanner opening the link only gives itself a
    cookie; never cached, and the only response that sets the commenter cookie.
    """
    digest = commenters.digest_from_token(token)
    context = {"confirmed": digest is not None, "max_days": commenters.CONFIRM_MAX_AGE // 86400}
    response = render(
        request, "articles/commenter_confirmed.html", context, status=200 if digest else 400
    )
    if digest:
        commenters.remember(response, digest)
    return response
