"""Reader-facing pages. Every list and page starts from Article.objects.published()."""

import calendar
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, Prefetch, Q, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.views.generic import TemplateView

from articles import fragments, metadata, surrogate, twofactor
from articles.comments import comment_context, with_comment_counts
from articles.models import (
    Article,
    ArticlePath,
    Author,
    Byline,
    Callout,
    Helpline,
    PolicyPage,
    ProblemReport,
    RelatedArticle,
    Section,
    SiteSettings,
    Tag,
)
from articles.navigation import nav_sections
from articles.pagecache import public_lifetime
from articles.pagination import page_of
from articles.params import query_int
from articles.related import related_articles
from articles.reports import report_token
from articles.search import clean_query, search, snippet_html, suggest, uses_full_text

PAGE_SIZE = 20
HOME_FEATURED = 3
HOME_LATEST = 10
HOME_RAIL = 4
SECTION_HORIZON = 500
HOME_PER_SECTION = 3
# Columns no page shows: the search index; and no list: the Markdown source.
SEARCH_INDEX = ("search_vector", "search_words")
NOT_LISTED = (*SEARCH_INDEX, "body")
BYLINES = Prefetch("byline_set", queryset=Byline.objects.select_related("author"))


def listed(queryset, *, body=False, tags="tags"):
    """What every article list needs in a fixed number of queries, whatever its length.

    Without the search index column, which no page shows, and without the Markdown source
    unless asked (a list shows standfirsts; the article page counts the body's words).
    """
    queryset = queryset.defer(*SEARCH_INDEX) if body else queryset.defer(*NOT_LISTED)
    listed = queryset.select_related("section", "hero_rights")  # hero_rights: its licence end
    return with_comment_counts(listed.prefetch_related(tags, BYLINES))


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of results, at the same cost on page 1 of 100 or of 100,000 articles."""
    return page_of(request, queryset, per_page)


class PublicListView(TemplateView):
    """Shared by home, section, tag, author, archive and search pages: published articles,
    paginated, with the list's canonical URL and CollectionPage data."""

    template_name = "articles/article_list.html"
    paginate_by = PAGE_SIZE
    heading = ""

    def get_queryset(self):
        return listed(Article.objects.published())

    def get_heading(self):
        return self.heading

    def page_query(self):
        """Query-string parameters that page links must keep (search keeps `q`)."""
        return ""

    def get_page(self):
        return paginate(self.request, self.get_queryset(), self.paginate_by)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.get_page()
        site = SiteSettings.load()
        canonical = metadata.list_canonical(self.request, page)
        heading = self.get_heading()
        context.update(
            page_obj=page,
            articles=page.object_list,
            heading=heading,
            canonical=canonical,
            page_query=self.page_query(),
            json_ld=metadata.collection_ld(heading, canonical, site, page.object_list),
        )
        surrogate.add(self.request, surrogate.LISTS, *surrogate.for_articles(page.object_list))
        return context


class HomeView(PublicListView):
    """Page 1: the lead story and a rail beside it, the rest of the latest, then a short list
    per section. Later pages: the latest only."""

    template_name = "articles/home.html"
    paginate_by = HOME_LATEST

    def get_context_data(self, **kwargs):
        published = with_comment_counts(
            Article.objects.published()
            .defer(*NOT_LISTED)
            .select_related("section", "hero_rights")  # a picture ends with its licence
        )
        first_page = query_int(self.request, "page", default=1) == 1
        # Every page leaves the featured few out of "Latest", so page boundaries stay put.
        featured = list(published.filter(featured=True)[:HOME_FEATURED])
        self.shown = [a.pk for a in featured]
        featured = featured if first_page else []
        self.published = published
        context = super().get_context_data(**kwargs)
        site = SiteSettings.load()
        articles = context["articles"]
        sections = self.section_lists(articles) if first_page else []
        everything = featured + articles + [a for _, items in sections for a in items]
        surrogate.add(self.request, *surrogate.for_articles(everything))
        # One pass fetches tags and bylines for every card on the page (and is_sensitive).
        prefetch_related_objects(everything, "tags", BYLINES)
        lead, rail, latest = top_stories(featured, articles) if first_page else (None, [], articles)
        context.update(
            lead=lead,
            rail=rail,
            latest=latest,
            section_lists=sections,
            canonical=metadata.list_canonical(self.request, context["page_obj"]),
            json_ld=metadata.website_ld(site),
        )
        return context

    def get_queryset(self):
        return self.published.exclude(pk__in=self.shown)

    def get_heading(self):
        return "Latest"

    def section_lists(self, latest):
        """The newest few articles of each section not already on the page, in one query."""
        shown = self.shown + [a.pk for a in latest]
        # Among the newest SECTION_HORIZON articles only: the numbering then sorts a few
        # hundred rows, not the whole archive (a section silent that long is left out).
        recent = self.published.order_by("-published_at", "-id").values("pk")[:SECTION_HORIZON]
        rows = (
            self.published.filter(section__isnull=False, pk__in=recent)
            .exclude(pk__in=shown)
            .annotate(
                row=Window(
                    RowNumber(),
                    partition_by=[F("section_id")],
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(row__lte=HOME_PER_SECTION)
            .order_by("section_id", "row")
        )
        by_section = {}
        for article in rows:
            by_section.setdefault(article.section_id, []).append(article)
        return [(s, by_section[s.pk]) for s in nav_sections() if s.pk in by_section]


def top_stories(featured, latest):
    """(lead, rail, the rest of the latest), keeping the order: featured, then the latest.

    The lead is the first featured story, an editor's choice; with none featured, the newest
    story that is not sensitive, since an automatic promotion never picks one (as the related
    block's automatic fill does not). Without a lead there is no rail either.
    """
    if featured:
        lead, others = featured[0], featured[1:] + latest
    else:
        lead = next((a for a in latest if not a.is_sensitive), None)
        others = [a for a in latest if a is not lead]
    if lead is None:
        return None, [], latest
    return lead, others[:HOME_RAIL], others[HOME_RAIL:]


class SectionView(PublicListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_heading(self):
        return self.section.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            intro=self.section.description,
            feed_url=reverse("articles:section_feed", kwargs={"slug": self.section.slug}),
        )
        return context


class TagView(PublicListView):
    """A tag's page: only a tag with something published has one (404 otherwise)."""

    def get_queryset(self):
        self.tag = get_object_or_404(Tag.objects.public(), slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_heading(self):
        return f"Stories about {self.tag.name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feed_url"] = reverse("articles:tag_feed", kwargs={"slug": self.tag.slug})
        return context


class AuthorView(PublicListView):
    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def get_heading(self):
        return self.author.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(intro=self.author.bio, author=self.author)
        return context


class ArchiveView(PublicListView):
    """/yyyy/, /yyyy/mm/ and /yyyy/mm/dd/: what was published in that year, month or day."""

    def get_queryset(self):
        year = int(self.kwargs["year"])
        month = int(self.kwargs.get("month") or 0)
        day = int(self.kwargs.get("day") or 0)
        try:
            if day:
                start = date(year, month, day)
                end, self.label = start + timedelta(days=1), date_format(start, "j F Y")
            elif month:
                start = date(year, month, 1)
                end = start + timedelta(days=calendar.monthrange(year, month)[1])
                self.label = date_format(start, "F Y")
            else:
                start, end, self.label = date(year, 1, 1), date(year + 1, 1, 1), str(year)
        except (ValueError, OverflowError) as exc:
            raise Http404("No such date.") from exc
        return super().get_queryset().filter(pub_date__gte=start, pub_date__lt=end)

    def get_heading(self):
        return f"Archive: {self.label}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["page_obj"].object_list:
            raise Http404("Nothing was published then.")
        return context


class SearchView(PublicListView):
    """/search/?q=: the form, and published articles matching it (articles.search decides)."""

    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        self.query = clean_query(request.GET.get("q", ""))
        self.suggestion = ""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return listed(search(self.query))

    def get_page(self):
        """When nothing matches, the results for the suggested spelling (PostgreSQL), if any."""
        page = super().get_page()
        if page.object_list or page.number > 1 or not self.query:
            return page
        self.suggestion = suggest(self.query)
        if not self.suggestion:
            return page
        return paginate(self.request, listed(search(self.suggestion)), self.paginate_by)

    def get_heading(self):
        return f"Search results for “{self.query}”" if self.query else "Search"

    def page_query(self):
        query = self.suggestion or self.query
        return urlencode({"q": query}) + "&" if query else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for article in context["articles"]:
            article.snippet = snippet_html(getattr(article, "snippet_raw", ""))
        context.update(
            query=self.query,
            suggestion=self.suggestion,
            suggests_spelling=uses_full_text(),
            hide_header_search=True,
        )
        return context


def _can_preview(request):
    """Staff who may edit, past the second factor if they owe it. Without a session cookie
    the session is never touched, so an anonymous response does not vary on Cookie."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = request.user
    editor = user.is_active and user.is_staff and user.has_perm("articles.change_article")
    return editor and not twofactor.pending(user)


def _old_path_redirect(request):
    """A 301 to an article's current URL when the request is for one of its old URLs."""
    old = ArticlePath.objects.filter(path=request.path).select_related("article").first()
    if old and old.article.is_published():
        return redirect(old.article.get_absolute_url(), permanent=True)
    raise Http404("No such article.")


def page_article(articles):
    """The article page's own row, with what deciding and showing its comments needs: the
    tags come with their active legal hold, which the hold rule reads from them."""
    tags = Prefetch("tags", queryset=Tag.objects.with_hold())
    return (
        articles.defer(*SEARCH_INDEX)
        .select_related("section", "republication", "hero_rights")
        .prefetch_related(tags)
    )


def _fetch_part_relations(article):
    """The rest of what the article's parts show, in a constant number of queries."""
    prefetch_related_objects(
        [article],
        BYLINES,
        Prefetch("callouts", queryset=Callout.objects.active()),
        "corrections",
        Prefetch(
            "related_links",
            queryset=RelatedArticle.objects.filter(
                target__in=Article.objects.published()
            ).select_related("target"),
        ),
    )


def article_detail(request, year, month, day, slug):
    """The article page. Staff who may edit see drafts and scheduled pieces as a preview."""
    previewer = _can_preview(request)
    articles = Article.objects.all() if previewer else Article.objects.published()
    try:
        pub_date = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise Http404("No such date.") from exc
    lookup = Q(pub_date=pub_date)
    if previewer:
        lookup |= Q(pub_date__isnull=True)  # an undated draft's URL carries today's date
    article = (
        page_article(articles)
        .filter(lookup, slug=slug)
        .order_by(F("pub_date").desc(nulls_last=True), "-id")
        .first()
    )
    if article is None:
        return _old_path_redirect(request)
    return article_response(request, article, preview=not article.is_published())


def article_response(
    request, article, *, preview, template="articles/article_detail.html", extra=None
):
    """Render an article; a preview (staff, a preview or sign-off link) is never cached or
    indexed. `template` and `extra` let a page around the article add its own part.

    Everything but the comments comes from the article's kept parts when they are current
    (articles.fragments); a preview is always rendered afresh and never kept.
    """
    keep = fragments.enabled() and not preview
    banner = preview and not article.is_published()  # and noindex in the head
    parts, version = fragments.get(article) if keep else (None, None)
    if parts is None:
        parts, depends = _render_parts(request, article, banner)
        if keep:
            fragments.store(article, version, parts, depends, public_lifetime(version))
    surrogate.add(request, *parts["keys"])
    response = render(
        request,
        template,
        {
            "article": article,
            "parts": parts,
            "preview": banner,
            **comment_context(request, article),
            **(extra or {}),
        },
    )
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render_parts(request, article, banner):
    """The article page's head and body but the comments, the surrogate keys the page
    carries, and the keys the parts depend on."""
    _fetch_part_relations(article)
    bylines = article.byline_set.all()
    tags = article.tags.all()
    site = SiteSettings.load()
    # Sensitive stories: no promos beside them, helplines instead.
    sensitive = article.is_sensitive
    related = related_articles(article)
    context = {
        "article": article,
        "bylines": bylines,
        "tags": tags,
        "callouts": [] if sensitive else article.callouts.all(),
        "related": related,
        "preview": banner,
        "canonical": article.canonical_url(),
        "page_url": metadata.absolute(article.get_absolute_url()),
        "social_image": metadata.social_image(article),
        "json_ld": metadata.article_ld(article, bylines, tags, site),
        "corrections": article.corrections.all(),
        "sensitive": sensitive,
        "helplines": Helpline.objects.shown() if sensitive else [],
        "report_kinds": ProblemReport.Kind.choices,
        "report_token": report_token(article),
    }
    parts = {
        "head": render_to_string("includes/article_head.html", context, request),
        "main": render_to_string("includes/article_main.html", context, request),
        "keys": surrogate.for_article_page(article, tags, related),
    }
    return parts, surrogate.for_article_parts(article, tags, related)


def policy_page(request, slug):
    """/about/<slug>/: a standing policy (corrections, ethics, masthead, feedback)."""
    page = get_object_or_404(PolicyPage, slug=slug)
    return render(request, "articles/policy_page.html", {"page": page})
