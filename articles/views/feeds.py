"""RSS 2.0 and Atom feeds: site-wide, per section, per tag. Full sanitised content (a
republished piece's attribution line, body_html, then the article's corrections), authors,
categories, publication and update times, absolute URLs from SITE_URL."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from articles import xmltext
from articles.metadata import absolute
from articles.models import Article, Section, SiteSettings, Tag
from articles.templatetags.timestamps import datetime_attr
from articles.typography import curly
from articles.views.public import listed

FEED_LENGTH = 20
# Root-relative links and images in a body, made absolute for readers outside the site.
_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_html(html):
    return _RELATIVE.sub(rf"\1{settings.SITE_URL}/", html)


def corrections_html(article):
    """The article's corrections log, escaped, as on the article page: feed readers see a
    correction in the entry itself, not only on the site."""
    corrections = list(article.corrections.all())
    if not corrections:
        return ""
    items = format_html_join(
        "",
        '<li id="correction-{}"><strong>{}</strong>, <time datetime="{}">{}</time>: {}</li>',
        (
            (
                c.pk,
                c.get_kind_display(),
                datetime_attr(c.published_at),
                format_date(localtime(c.published_at), "j F Y, H:i"),
                c.text,
            )
            for c in corrections
        ),
    )
    return format_html(
        '<section class="corrections"><h2>Corrections and updates</h2><ol>{}</ol></section>',
        items,
    )


def _xml_safe(value):
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(v) for v in value)
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    return xmltext.clean(value)


class XmlSafeFeed:
    """A feed generator that drops what XML cannot carry from every value (rows stored
    before articles.xmltext's input rule): one such character fails the whole feed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_xml_safe(args), **_xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*_xml_safe(args), **_xml_safe(kwargs))


class XmlSafeRssFeed(XmlSafeFeed, Rss201rev2Feed):
    pass


class ContentRssFeed(XmlSafeRssFeed):
    """RSS 2.0 with the full article in <content:encoded>."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(XmlSafeFeed, Atom1Feed):
    """Atom with the full article in <content type="html">, one <author> per byline."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["author_names"][1:]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})


class ArticleFeed(Feed):
    """The latest published articles (RSS 2.0)."""

    feed_type = ContentRssFeed

    def title(self, obj=None):
        return SiteSettings.load().publication_name

    def description(self, obj=None):
        return SiteSettings.load().tagline

    def subtitle(self, obj=None):
        return self.description(obj)

    def link(self, obj=None):
        return absolute("/")

    url_name = "articles:feed"

    def feed_url(self, obj=None):
        kwargs = {"slug": obj.slug} if obj is not None else {}
        return absolute(reverse(self.url_name, kwargs=kwargs))

    def filter_articles(self, articles, obj):
        return articles

    def items(self, obj=None):
        articles = listed(Article.objects.published()).prefetch_related("corrections")
        articles = articles.select_related("republication")  # for the attribution line
        return self.filter_articles(articles, obj)[:FEED_LENGTH]

    def item_title(self, item):
        return curly(item.headline)

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    def item_author_name(self, item):
        names = [b.author.name for b in item.byline_set.all()]
        return ", ".join(names) or None

    def item_categories(self, item):
        section = [item.section.name] if item.section else []
        return section + [tag.name for tag in item.tags.all()]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_extra_kwargs(self, item):
        return {
            # A republished piece credits its original publisher first, as on its page.
            "content": render_to_string("includes/attribution.html", {"article": item})
            + absolute_html(item.body_html)
            + corrections_html(item),
            "author_names": [b.author.name for b in item.byline_set.all()],
        }


class ArticleAtomFeed(ArticleFeed):
    """The same articles as Atom."""

    feed_type = ContentAtomFeed
    url_name = "articles:atom_feed"

    def item_author_name(self, item):
        names = [b.author.name for b in item.byline_set.all()]
        return names[0] if names else None


class SectionFeedMixin:
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} · {SiteSettings.load().publication_name}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def description(self, obj=None):
        return obj.description or f"The latest from {obj.name}."

    def filter_articles(self, articles, obj):
        return articles.filter(section=obj)


class TagFeedMixin:
    def get_object(self, request, slug):
        return get_object_or_404(Tag.objects.public(), slug=slug)

    def title(self, obj=None):
        return f"{obj.name} · {SiteSettings.load().publication_name}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def description(self, obj=None):
        return f"Articles tagged {obj.name}."

    def filter_articles(self, articles, obj):
        return articles.filter(tags=obj)


class SectionFeed(SectionFeedMixin, ArticleFeed):
    url_name = "articles:section_feed"


class SectionAtomFeed(SectionFeedMixin, ArticleAtomFeed):
    url_name = "articles:section_atom_feed"


class TagFeed(TagFeedMixin, ArticleFeed):
    url_name = "articles:tag_feed"


class TagAtomFeed(TagFeedMixin, ArticleAtomFeed):
    url_name = "articles:tag_atom_feed"
