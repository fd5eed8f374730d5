from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from articles.sitemaps import SITEMAPS
from articles.views import (
    comments,
    corrections,
    discovery,
    feeds,
    previews,
    public,
    reports,
    signoff,
)

app_name = "articles"

urlpatterns = [
    path("", public.HomeView.as_view(), name="home"),
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?P<slug>[-\w]+)/$",
        public.article_detail,
        name="detail",
    ),
    path("section/<slug:slug>/", public.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", public.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", public.AuthorView.as_view(), name="author"),
    # Archives, search, feeds, sitemaps, robots.txt.
    re_path(r"^(?P<year>\d{4})/$", public.ArchiveView.as_view(), name="archive_year"),
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{2})/$", public.ArchiveView.as_view(), name="archive_month"
    ),
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/$",
        public.ArchiveView.as_view(),
        name="archive_day",
    ),
    path("search/", public.SearchView.as_view(), name="search"),
    path("feed/", feeds.ArticleFeed(), name="feed"),
    path("feed/atom/", feeds.ArticleAtomFeed(), name="atom_feed"),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("section/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section_atom_feed"),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_atom_feed"),
    path("sitemap.xml", discovery.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", discovery.news_sitemap, name="news_sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", discovery.robots_txt, name="robots_txt"),
    path("corrections/", corrections.CorrectionsView.as_view(), name="corrections"),
    path("corrections/feed/", corrections.CorrectionsFeed(), name="corrections_feed"),
    path("about/<slug:slug>/", public.policy_page, name="policy"),
    path("report/<int:pk>/", reports.report_problem, name="report"),
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?P<slug>[-\w]+)/comment/$",
        comments.comment,
        name="comment",
    ),
    path("comments/confirm/<str:token>/", comments.confirm_commenter, name="confirm_commenter"),
    path("preview/<str:token>/", previews.preview, name="preview"),
    path("sign-off/<str:token>/", signoff.sign_off, name="sign_off"),
    # The partner API, the partner feed and the snippet's counting image (articles/api/).
    path("", include("articles.api.urls")),
]
