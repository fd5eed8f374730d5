from django.contrib import admin
from django.urls import include, path

from articles.views import editor, health

urlpatterns = [
    path("admin/", admin.site.urls),
    # markdownx's own URLs, wrapped so only staff reach them.
    path("markdownx/markdownify/", editor.markdownify, name="markdownx_markdownify"),
    path("markdownx/upload/", editor.upload, name="markdownx_upload"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("articles.urls")),
]
