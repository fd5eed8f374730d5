"""The 500 handler: a static 503 page with Retry-After when the database is unreachable.

Rendered without a request, so no context processor (they read the database) runs.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
