"""Health probes: liveness (/livez) for the process supervisor, readiness (/healthz) for
the load balancer.

Liveness touches neither the database nor the cache, so a host whose database is down stays
alive (not restarted) and keeps answering cached pages; readiness goes down with the
database, so the load balancer stops sending it requests it could only answer with a 503.
"""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def livez(request):
    return HttpResponse("alive", content_type="text/plain")


@never_cache
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "down", reported, not raised
        checks["database"] = "down"
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "down"
    except Exception:  # noqa: BLE001
        checks["cache"] = "down"
    healthy = checks["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503
    )
