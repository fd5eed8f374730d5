"""The second factor of a staff login (django-otp): who still owes it, and the codes that pay.

Who must is articles.roles.needs_second_factor (by permission); anyone else who has set up
an authenticator is asked for it too. A session passes with a 6-digit code from the user's
confirmed authenticator app (TOTP) or with one of their recovery codes, each good once.

A wrong code is a failed login: it goes to axes as Django's user_login_failed, so the
lockout rules of articles.lockout count it with wrong passwords (and audit a lockout it
starts), and a locked-out user is refused here as at the password. django-otp's throttling
also makes each device wait 1, 2, 4 ... s after a wrong code. The secret is shown to its
owner while enrolling, and never logged.
"""

import logging

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.comments import ip_hash
from articles.roles import needs_second_factor

RECOVERY_CODES = 10
REPLACING = "two_factor_replacing_since"  # session key: when a fresh code allowed a new app
REPLACE_SECONDS = 15 * 60
log = logging.getLogger(__name__)


class Refused(Exception):
    """A code that does not pass; the message is the user's to read."""


class LockedOut(Exception):
    """axes' lockout holds for this user and address: the answer is axes' lockout page."""


def is_verified(user):
    """Has this request's session passed the second factor (django-otp's OTPMiddleware)?"""
    return getattr(user, "otp_device", None) is not None


def authenticator(user, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def asks_for(user):
    """Is this user asked for a second factor: required, or set up of their own accord?"""
    if needs_second_factor(user):
        return True
    if not hasattr(user, "_has_authenticator"):  # asked several times a request
        user._has_authenticator = authenticator(user) is not None
    return user._has_authenticator


def pending(user):
    """A staff user who has given their password but still owes the second factor."""
    staff = user.is_authenticated and user.is_active and user.is_staff
    return staff and not is_verified(user) and asks_for(user)


def enrolment(user):
    """The user's new authenticator, unconfirmed until they enter a code from it."""
    device = authenticator(user, confirmed=False)
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_image(device):
    """The secret as a QR code, an SVG data URI for an <img> (no script, no inline markup)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_text(device):
    """The secret as an authenticator app asks for it typed: base32, in groups of four."""
    key = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def new_recovery_codes(user):
    """Ten fresh recovery codes, replacing any the user had; returned once, to show."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    with transaction.atomic():
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


def _device_for(user, code, device):
    if device is not None:
        return device
    if len(code) == 6 and code.isdigit():
        return authenticator(user)
    return StaticDevice.objects.filter(user=user).first()


def check(request, code, device=None):
    """The device that accepts `code` from request.user (their authenticator for 6 digits,
    else their recovery codes), or Refused. `device` checks against that one only (a new
    authenticator being confirmed). A locked-out user is logged out: LockedOut."""
    user = request.user
    username = user.get_username()
    code = "".join(str(code).split()).replace("-", "").lower()
    if not AxesProxyHandler.is_allowed(request, {"username": username}):
        raise lock_out(request, username)
    if not code:
        raise Refused("Enter the 6-digit code from your authenticator app, or a recovery code.")
    device = _device_for(user, code, device)
    if device is None:
        raise Refused("That code is not right. Enter the 6-digit code your app shows now.")
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            wait = max(1, round((extra["locked_until"] - timezone.now()).total_seconds()))
            unit = "second" if wait == 1 else "seconds"
            raise Refused(f"Too many wrong codes: wait {wait} {unit}, then try again.")
        accepted = device.verify_token(code)
    if not accepted:
        _failed(request, username)
        raise Refused(
            "That code is not right, or has been used already. Enter the code your app "
            "shows now (a recovery code works once)."
        )
    return device


def _failed(request, username):
    """Count a wrong code as a failed login (axes), and log it without the code."""
    address = ip_hash(request.axes_ip_address)
    log.warning("Wrong second-factor code for %s from address %s", username, address)
    user_login_failed.send(__name__, credentials={"username": username}, request=request)
    if request.axes_locked_out:
        raise lock_out(request, username)


def lock_out(request, username):
    """End the half-made login; AxesMiddleware answers with the lockout page."""
    logout(request)
    request.axes_locked_out = True
    request.axes_credentials = {"username": username}
    return LockedOut()


def passed(request, device):
    """The session has passed the second factor with `device`: a new session key (the
    login's privilege grew), and the lockout counts of this name and address start again,
    as after a password (AXES_RESET_ON_SUCCESS)."""
    request.session.cycle_key()
    django_otp.login(request, device)
    axes = AxesProxyHandler.get_implementation()
    axes.reset_user_attempts(request, {"username": request.user.get_username()})


def start_replacing(request):
    """A fresh code has been given: for REPLACE_SECONDS the user may enrol a new app."""
    request.session[REPLACING] = timezone.now().timestamp()


def replacing(request):
    started = request.session.get(REPLACING)
    return started is not None and timezone.now().timestamp() - started < REPLACE_SECONDS


def confirm(request, device, code):
    """The user's new authenticator accepts `code`: it replaces any earlier one. Returns
    new recovery codes if the user had none (first enrolment), else None."""
    device = check(request, code, device=device)
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    user._has_authenticator = True
    request.session.pop(REPLACING, None)
    passed(request, device)
    return None if recovery_codes_left(user) else new_recovery_codes(user)
