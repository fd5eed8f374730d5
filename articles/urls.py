from django.urls import path, re_path

from articles.views import comments, public, trust

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
    path("corrections/", trust.CorrectionsView.as_view(), name="corrections"),
    path("corrections/feed/", trust.CorrectionsFeed(), name="corrections_feed"),
    path("about/<slug:slug>/", trust.policy_page, name="policy"),
    path("report/<int:pk>/", trust.report_problem, name="report"),
]

urlpatterns += [
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?P<slug>[-\w]+)/comment/$",
        comments.comment,
        name="comment",
    ),
]
