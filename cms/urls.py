from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.views import editor, health

# The static 503 page when the database is down; the static 500 page otherwise.
handler500 = "cms.faults.server_error"

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    # markdownx's own URLs, wrapped so only staff reach them.
    path("markdownx/markdownify/", editor.markdownify, name="markdownx_markdownify"),
    path("markdownx/upload/", editor.upload, name="markdownx_upload"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("articles.urls")),
]
