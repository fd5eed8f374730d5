"""How search engines find the site: the sitemap index, the news sitemap and robots.txt."""

from datetime import timedelta

from django.contrib.sitemaps.views import SitemapIndexItem
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.metadata import absolute
from articles.models import Article, SiteSettings
from articles.sitemaps import SITEMAPS

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap.


def sitemap_index(request):
    """/sitemap.xml: one entry per sitemap (and per page of a long one), with lastmod."""
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute(reverse("articles:sitemap", kwargs={"section": name}))
        last_mod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, last_mod))
        for page in range(2, sitemap.paginator.num_pages + 1):
            entries.append(SitemapIndexItem(f"{location}?p={page}", last_mod))
    entries.append(SitemapIndexItem(absolute(reverse("articles:news_sitemap")), None))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def news_sitemap(request):
    """/sitemap-news.xml: Google News sitemap of what was published in the last two days."""
    now = timezone.now()
    articles = (
        Article.objects.published(at=now)
        .indexable()
        .filter(published_at__gte=now - NEWS_WINDOW)
        .only("headline", "slug", "pub_date", "published_at")
        .order_by("-published_at", "-id")[:NEWS_LIMIT]
    )
    context = {
        "articles": [(absolute(a.get_absolute_url()), a) for a in articles],
        "publication": SiteSettings.load().publication_name,
    }
    return TemplateResponse(
        request, "articles/sitemap_news.xml", context, content_type="application/xml"
    )


def robots_txt(request):
    """Crawlers may read the site, but not search results; here are the sitemaps.

    The admin is not named: its path may be moved off /admin/ to keep guessers away
    (DJANGO_ADMIN_PATH), and every page there needs a login anyway."""
    lines = [
        "User-agent: *",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute(reverse('articles:sitemap_index'))}",
        f"Sitemap: {absolute(reverse('articles:news_sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
