"""Login lockout that an attacker cannot turn on a victim (django-axes, AXES_HANDLER).

Three rules over the failures axes records within AXES_COOLOFF_TIME:

- a user name *from one address* is locked after AXES_FAILURE_LIMIT failures, so someone
  hammering a name elsewhere never locks its owner out at home;
- an address is locked after STANDFIRST_LOGIN_IP_FAILURE_LIMIT failures, whatever the names
  (slower, so an office behind one address is not locked by one forgetful colleague);
- a user name failing from addresses it never logged in from backs off exponentially:
  after AXES_FAILURE_LIMIT failures each further try waits STANDFIRST_LOGIN_BACKOFF_SECONDS
  doubled per failure (up to STANDFIRST_LOGIN_BACKOFF_MAX_SECONDS) after the last one, so
  a botnet gets a few guesses an hour at most. The name's usual addresses (a successful
  login in axes' access log) are exempt, so its owner still logs in.

A lockout beginning is written to the audit log (once: refused attempts are not recorded).
"""

from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum

from articles import audit
from articles.actors import SystemActor
from articles.comments import ip_hash

GUARD = SystemActor("login lockout")


def _failures(attempts):
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def lockout_reason(request, credentials):
    """Which rule locks this login attempt out: "address", "user at address", "back-off", or
    None."""
    username = get_client_username(request, credentials)
    address = request.axes_ip_address
    limit = get_failure_limit(request, credentials)
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
    if _failures(recent.filter(ip_address=address)) >= settings.STANDFIRST_LOGIN_IP_FAILURE_LIMIT:
        return "address"
    if username is None:
        return None
    by_name = recent.filter(username=username)
    if _failures(by_name.filter(ip_address=address)) >= limit:
        return "user at address"
    if AccessLog.objects.filter(username=username, ip_address=address).exists():
        return None  # the owner's usual address: no back-off
    found = by_name.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    excess = (found["n"] or 0) - limit
    if excess < 0:
        return None
    wait = min(
        settings.STANDFIRST_LOGIN_BACKOFF_SECONDS * 2**excess,
        settings.STANDFIRST_LOGIN_BACKOFF_MAX_SECONDS,
    )
    if request.axes_attempt_time < found["last"] + timedelta(seconds=wait):
        return "back-off"
    return None


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with the three rules above deciding what is locked."""

    def get_failures(self, request, credentials=None):
        # axes compares this with AXES_FAILURE_LIMIT wherever it decides a lockout, so the
        # limit itself stands for "a rule locks this attempt out".
        if lockout_reason(request, credentials) is not None:
            return get_failure_limit(request, credentials)
        return 0

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        was_locked = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and request.axes_locked_out and not was_locked:
            audit.record(
                audit.Action.LOGIN_LOCKED_OUT,
                actor=GUARD,
                username=get_client_username(request, credentials) or "",
                address_hash=ip_hash(request.axes_ip_address),
                rule=lockout_reason(request, credentials),
            )
