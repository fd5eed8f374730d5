"""Sitemaps for search engines: articles, sections, tags and authors with something public,
each with lastmod, plus a Google News sitemap and robots.txt. URLs come from SITE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from articles.models import Article, Author, Section, Tag


class SiteUrlSitemap(Sitemap):
    """Builds absolute URLs from settings.SITE_URL, never from the request's Host header."""

    limit = 5000

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteUrlSitemap):
    def items(self):
        return (
            Article.objects.published()
            .indexable()
            .only("slug", "pub_date", "updated_at", "published_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Article.objects.published().indexable().aggregate(latest=Max("updated_at"))["latest"]


class FiledUnderSitemap(SiteUrlSitemap):
    """Sections, tags or authors that have at least one published article."""

    model = None

    def items(self):
        published = Article.objects.published().values("pk")
        return (
            self.model.objects.annotate(
                last_change=Max("articles__updated_at", filter=Q(articles__in=published))
            )
            .filter(last_change__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.last_change

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("last_change"))["latest"]


class SectionSitemap(FiledUnderSitemap):
    model = Section


class TagSitemap(FiledUnderSitemap):
    model = Tag


class AuthorSitemap(FiledUnderSitemap):
    model = Author


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
