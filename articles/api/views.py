"""The partner API (JSON and ninjs 2.0), the partner feed (Atom), and the republish snippet's
counting image.

Every partner response is private to its key (Cache-Control private, Vary Authorization)
with an ETag of its body, so a partner polling an unchanged page gets a 304. Refusals are
JSON {"error": ...} with their status; nothing here answers a partner with a 500 page.
"""

import hashlib

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from articles.api import access, cursors, documents, registry
from articles.api.eligibility import for_partner, relicensable
from articles.metadata import absolute
from articles.models import Article, SiteSettings
from articles.views.feeds import FEED_LENGTH, ArticleAtomFeed, corrections_html

FORMATS = {"json": documents.as_json, "ninjs": documents.as_ninjs}
CACHE_CONTROL = "private, max-age=60"
# The smallest transparent GIF: what the republish snippet's <img> loads.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


def _error(status, message, headers=None):
    response = JsonResponse({"error": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def _partner_request(view):
    """Authenticate the key and count it against its rate before the view runs."""

    @require_safe
    def wrapper(request, *args, **kwargs):
        try:
            key = access.authenticate(request)
            access.check_rate(key)
            return _conditional(request, view(request, key.partner, *args, **kwargs))
        except access.Denied as denied:
            return _error(denied.status, denied.message, denied.headers)
        except cursors.BadPage as bad:
            return _error(400, str(bad))

    return wrapper


def _conditional(request, response):
    """ETag of the body, private caching, and a 304 when the partner has this body."""
    if response.status_code != 200:
        return response
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["Cache-Control"] = CACHE_CONTROL
    patch_vary_headers(response, ["Authorization"])
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _format(request):
    name = request.GET.get("format", "json")
    if name not in FORMATS:
        raise cursors.BadPage("format must be 'json' or 'ninjs'.")
    return name


@_partner_request
def article_list(request, partner):
    """The published articles this partner may receive, newest first, a page at a time."""
    name = _format(request)
    limit = cursors.limit_of(request.GET.get("limit"))
    items, after = cursors.page(for_partner(partner), request.GET.get("cursor"), limit)
    site = SiteSettings.load()
    registry.count_delivery(partner, [article.pk for article in items])
    next_url = None
    if after:
        query = f"?format={name}&limit={limit}&cursor={after}"
        next_url = absolute(reverse("articles:api_articles") + query)
    return JsonResponse(
        {"items": [FORMATS[name](article, site) for article in items], "next": next_url}
    )


@_partner_request
def article_detail(request, partner, pk):
    name = _format(request)
    article = for_partner(partner).filter(pk=pk).first()
    if article is None:
        return _error(404, "No such article for this key.")
    registry.count_delivery(partner, [article.pk])
    return JsonResponse(FORMATS[name](article, SiteSettings.load()))


class PartnerFeed(ArticleAtomFeed):
    """The latest stories we may relicense, as the partner may receive them (Atom)."""

    url_name = "articles:api_feed"

    def get_object(self, request):
        return request.partner_articles

    def title(self, obj=None):
        return f"{SiteSettings.load().publication_name}: stories to republish"

    def feed_url(self, obj=None):
        return absolute(reverse(self.url_name))

    def items(self, obj=None):
        return obj

    def item_extra_kwargs(self, item):
        """The attribution line, the terms of republication, the body (its images only where
        they may travel) and the corrections."""
        terms = documents.rights(item, SiteSettings.load())["usage_terms"]
        return {
            **super().item_extra_kwargs(item),
            "content": render_to_string("includes/attribution.html", {"article": item})
            + format_html('<p class="usage-terms">{}</p>', terms)
            + documents.body(item)
            + corrections_html(item),
        }


partner_feed_view = PartnerFeed()


@_partner_request
def partner_feed(request, partner):
    articles = list(relicensable(for_partner(partner))[:FEED_LENGTH])
    registry.count_delivery(partner, [article.pk for article in articles])
    request.partner_articles = articles
    return partner_feed_view(request)


@require_safe
def snippet_image(request, pk):
    """The republish snippet's image: counts the page's host for a public article that
    offers the snippet. The same image, uncached, whatever the id: it reveals nothing."""
    offered = Article.objects.published().exclude(republish_licence=Article.RepublishLicence.NONE)
    if offered.filter(pk=pk).exists():
        registry.count_snippet_view(pk, registry.referring_host(request.headers.get("Referer")))
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response
