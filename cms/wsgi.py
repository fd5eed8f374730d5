"""WSGI entry point for gunicorn: the page cache's fast door, then Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

django_application = get_wsgi_application()

from articles.pagecache import PageCacheApp  # noqa: E402 - needs the configured settings

application = PageCacheApp(django_application)
