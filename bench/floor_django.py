"""The framework's floor: Django with one view that returns the article's bytes from memory.

No middleware, no database, no templates: what any Django page costs before doing anything.
"""

import os
from pathlib import Path

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["DJANGO_SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

BODY = Path(os.environ["FLOOR_BODY"]).read_bytes()


def page(request):
    return HttpResponse(BODY)


urlpatterns = [path("", page)]
application = get_wsgi_application()
