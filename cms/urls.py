from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles.views import health, markdown_editor

# The static 503 page when the database is down; the static 500 page otherwise.
handler500 = "cms.faults.server_error"

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    # markdownx's own URLs, wrapped so only staff reach them.
    path("markdownx/markdownify/", markdown_editor.markdownify, name="markdownx_markdownify"),
    path("markdownx/upload/", markdown_editor.upload, name="markdownx_upload"),
    path("livez", health.livez, name="livez"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("articles.urls")),
]


def media(request, path):
    """Uploads from MEDIA_ROOT as it is now, where the storage writes them (a test may move it)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if not settings.PRODUCTION:
    # Local mode (make run, tests) serves uploads itself; production serves MEDIA_ROOT from
    # the proxy or object storage.
    urlpatterns.insert(-1, re_path(r"^media/(?P<path>.*)$", media))
