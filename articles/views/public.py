"""Reader-facing pages. Every list and page starts from Article.objects.published()."""

from datetime import date

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.generic import TemplateView

from articles.models import Article, Author, Byline, Callout, RelatedArticle, Section, Tag

PAGE_SIZE = 20


def listed(queryset):
    """What every article list needs in a fixed number of queries, whatever its length."""
    return queryset.select_related("section").prefetch_related(
        "tags", Prefetch("byline_set", queryset=Byline.objects.select_related("author"))
    )


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of results; an out-of-range or non-numeric ?page= is a 404, never a 500."""
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    try:
        return paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404("No such page.") from exc


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


def _can_preview(user):
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


def with_page_relations(articles):
    """The article page's relations, prefetched: a constant number of queries."""
    return listed(articles).prefetch_related(
        Prefetch("callouts", queryset=Callout.objects.active()),
        Prefetch(
            "related_links",
            queryset=RelatedArticle.objects.filter(
                target__in=Article.objects.published()
            ).select_related("target"),
        ),
    )


def article_detail(request, year, month, day, slug):
    """The article page. Staff who may edit see drafts and scheduled pieces as a preview."""
    previewer = _can_preview(request.user)
    articles = Article.objects.all() if previewer else Article.objects.published()
    try:
        pub_date = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise Http404("No such date.") from exc
    lookup = Q(pub_date=pub_date)
    if previewer:
        lookup |= Q(pub_date__isnull=True)  # an undated draft's URL carries today's date
    article = (
        with_page_relations(articles)
        .filter(lookup, slug=slug)
        .order_by(F("pub_date").desc(nulls_last=True), "-id")
        .first()
    )
    if article is None:
        raise Http404("No such article.")
    return article_response(request, article, preview=not article.is_published())


def article_response(request, article, *, preview):
    """Render an article; a preview (staff or a preview link) is never cached or indexed."""
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "bylines": article.byline_set.all(),
            "callouts": article.callouts.all(),
            "related": [link.target for link in article.related_links.all()],
            "preview": preview and not article.is_published(),
        },
    )
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
