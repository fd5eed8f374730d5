from django.urls import path, re_path

from articles.views import editors, public

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
    path("preview/<str:token>/", editors.preview, name="preview"),
]
