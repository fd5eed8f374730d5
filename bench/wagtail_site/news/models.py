"""An article page as Wagtail sites commonly model one (the bakerydemo's BlogPage shape):
articles are children of their section's index page; tags through django-taggit's
ClusterTaggableManager; bylines as an ordered inline of Author snippets; editor-picked
related pages as another inline; the body a RichTextField."""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, Site
from wagtail.snippets.models import register_snippet


@register_snippet
class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(max_length=120, blank=True)

    def __str__(self):
        return self.name


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticleAuthor(Orderable):
    page = ParentalKey("ArticlePage", related_name="bylines", on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="+")


class ArticleRelated(Orderable):
    page = ParentalKey("ArticlePage", related_name="related_links", on_delete=models.CASCADE)
    related = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")


class SitePage(Page):
    """Puts the site's section menu in every page's context."""

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = Site.find_for_request(request).root_page
        context["home"] = home
        context["nav_sections"] = home.get_children().live().in_menu()
        return context


class SectionPage(SitePage):
    description = models.CharField(max_length=300, blank=True)

    subpage_types = ["news.ArticlePage"]
    content_panels = [*Page.content_panels, FieldPanel("description")]


class ArticlePage(SitePage):
    standfirst = models.TextField()
    body = RichTextField()
    date = models.DateTimeField("Published")
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)

    parent_page_types = ["news.SectionPage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("standfirst"),
        FieldPanel("date"),
        InlinePanel("bylines", label="Authors"),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel("related_links", label="Related articles"),
    ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["section"] = self.get_parent()
        context["bylines"] = self.bylines.select_related("author")
        ids = [link.related_id for link in self.related_links.all()]
        pages = ArticlePage.objects.live().in_bulk(ids)
        context["related"] = [pages[i] for i in ids if i in pages]
        return context
