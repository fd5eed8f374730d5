"""Which database a read goes to: the read replica for public reads, the primary otherwise.

A public read is a GET or HEAD of a public path (not the admin, previews, markdownx or
/healthz: STANDFIRST_PAGE_CACHE_EXCLUDED_PATHS) by a client that has not written in the
last STANDFIRST_READ_YOUR_WRITES_SECONDS: a staff user's non-safe request sets a signed
cookie saying so, so an editor reads their own change. ReplicaReadsMiddleware decides once
per request and marks the request's context (a contextvar: per thread and per task);
ReplicaRouter sends that context's reads to "replica" and everything else (writes,
migrations, the worker, commands, anything outside a request) to "default".

Even a public read uses the primary while the replica
- is unreachable (remembered for CHECK_SECONDS, so readers do not each wait for it),
- lags more than STANDFIRST_REPLICA_MAX_LAG_SECONDS (measured at most every CHECK_SECONDS
  per process), or
- has not replayed the last change event yet: its WAL position is noted in the shared cache
  after commit, before the page cache's last bump, so a page rendered after an
  invalidation (which the page cache then keeps) never comes from a copy without the change.
"""

import contextvars
import logging
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

REPLICA = "replica"
CHECK_SECONDS = 2
COOKIE = "standfirst_primary"
_SALT = "standfirst.replica.read-your-writes"
CHANGE_POSITION_KEY = "standfirst:replica:change-position"
# On the replica: is it one; has it replayed all it received (an idle, caught-up replica's
# last replay time grows old without it lagging); seconds since the last replayed commit;
# and the WAL position replayed, in bytes.
_MEASURE = """
    SELECT pg_is_in_recovery(),
           pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(),
           EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()),
           pg_last_wal_replay_lsn() - '0/0'::pg_lsn
"""

_public_read = contextvars.ContextVar("standfirst_public_read", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _public_read.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class _Health:
    """This process's last measurement of the replica, taken at most every CHECK_SECONDS."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = -math.inf
        self.usable = False
        self.replayed = 0

    def ready(self, change_position):
        """Whether this request may read the replica, which is then connected."""
        with self.lock:
            due = time.monotonic() - self.checked_at >= CHECK_SECONDS
            if due:  # one thread measures; the others go by the last answer meanwhile
                self.checked_at = time.monotonic()
        if due:
            self._measure()
        if not (self.usable and self.replayed >= change_position):
            return False
        connection = connections[REPLICA]
        try:  # a connection kept from an earlier request may have died since
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except DatabaseError:
            self._failed("unreachable")
            return False
        return True

    def _measure(self):
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(_MEASURE)
                in_recovery, caught_up, behind, replayed = cursor.fetchone()
        except DatabaseError:
            self._failed("unreachable")
            return
        lag = 0 if caught_up else math.inf if behind is None else float(behind)
        if not in_recovery:
            self._failed("not in recovery (promoted?)")
        elif lag > settings.STANDFIRST_REPLICA_MAX_LAG_SECONDS:
            self._failed(f"{lag:.1f} s behind")
        else:
            if not self.usable:
                logger.info("Read replica in use (%.1f s behind)", lag)
            self.usable, self.replayed = True, int(replayed)

    def _failed(self, why):
        with self.lock:
            self.checked_at = time.monotonic()
            if self.usable:
                logger.warning("Read replica %s: public reads use the primary", why)
            self.usable = False


_health = _Health()


def note_change():
    """Called by every change event: once it commits, public reads wait for the replica to
    replay the primary's WAL up to here."""
    if REPLICA in settings.DATABASES:
        transaction.on_commit(_note_position, robust=True)


def _note_position():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        cache.set(CHANGE_POSITION_KEY, int(cursor.fetchone()[0]), None)


class ReplicaReadsMiddleware:
    """Marks public reads for ReplicaRouter, and a staff user's writes for read-your-writes.
    After AuthenticationMiddleware: a session and its user are always read from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.primary_paths = tuple(settings.STANDFIRST_PAGE_CACHE_EXCLUDED_PATHS)
        self.window = settings.STANDFIRST_READ_YOUR_WRITES_SECONDS

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            response = self.get_response(request)
            if request.user.is_staff:
                response.set_signed_cookie(
                    COOKIE, "1", salt=_SALT, max_age=self.window, httponly=True,
                    samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
                )  # fmt: skip
            return response
        if not self._is_public_read(request):
            return self.get_response(request)
        token = _public_read.set(True)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)

    def _is_public_read(self, request):
        return (
            request.method in ("GET", "HEAD")
            and not request.path_info.startswith(self.primary_paths)
            and request.get_signed_cookie(COOKIE, None, salt=_SALT, max_age=self.window) is None
            and _health.ready(cache.get(CHANGE_POSITION_KEY) or 0)
        )
