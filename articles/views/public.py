"""Reader-facing pages. Every list and page starts from Article.objects.published()."""

from datetime import date

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.generic import TemplateView

from articles.models import Article, Author, Byline, Callout, RelatedArticle, Section, Tag
from articles.pagination import page_of

PAGE_SIZE = 20


def listed(queryset):
    """What every article list needs in a fixed number of queries, whatever its length."""
    return queryset.select_related("section").prefetch_related(
        "tags", Prefetch("byline_set", queryset=Byline.objects.select_related("author"))
    )


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of results, at the same cost on page 1 of 100 or of 100,000 articles."""
    return page_of(request, queryset, per_page)


class PublicListView(TemplateView):
    """Shared by home, section, tag and author pages: published articles, paginated."""

    template_name = "articles/article_list.html"

    def get_queryset(self):
        return listed(Article.objects.published())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, self.get_queryset())
        context.update(page_obj=page, articles=page.object_list)
        return context


class HomeView(PublicListView):
    template_name = "articles/home.html"


class SectionView(PublicListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=self.section.name, intro=self.section.description)
        return context


class TagView(PublicListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=f"Tagged: {self.tag.name}")
        return context


class AuthorView(PublicListView):
    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=self.author.name, intro=self.author.bio, author=self.author)
        return context


def _can_preview(request):
    # No session cookie: answer without loading a session, which would add "Vary: Cookie"
    # and make the page unstorable by shared caches.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


def article_detail(request, year, month, day, slug):
    """The article page. Staff who may edit see drafts and scheduled pieces as a preview."""
    articles = Article.objects.all() if _can_preview(request) else Article.objects.published()
    articles = listed(articles).prefetch_related(
        Prefetch("callouts", queryset=Callout.objects.active()),
        Prefetch(
            "related_links",
            queryset=RelatedArticle.objects.filter(
                target__in=Article.objects.published()
            ).select_related("target"),
        ),
    )
    try:
        pub_date = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise Http404("No such date.") from exc
    article = get_object_or_404(articles, pub_date=pub_date, slug=slug)
    preview = not article.is_published()
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "bylines": article.byline_set.all(),
            "callouts": article.callouts.all(),
            "related": [link.target for link in article.related_links.all()],
            "preview": preview,
        },
    )
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
