"""The corrections log and its feed: every correction on an article the public may see."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.views.generic import TemplateView

from articles.metadata import absolute
from articles.models import Article, Correction, SiteSettings
from articles.typography import curly
from articles.views.feeds import XmlSafeRssFeed
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
    feed_type = XmlSafeRssFeed

    def title(self):
        return f"Corrections · {SiteSettings.load().publication_name}"

    def link(self):
        return absolute(reverse("articles:corrections"))

    def feed_url(self):
        return absolute(reverse("articles:corrections_feed"))

    def description(self):
        return "Corrections, clarifications, updates and legal amendments, newest first."

    def items(self):
        return public_corrections()[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {curly(item.article.headline)}"

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return f"{settings.SITE_URL}/corrections/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at
