"""The two-factor steps after the admin's password form, and each editor's own page.

Served under the admin's path (cms.admin adds the URLs) but outside admin_view, since a user
who owes the second factor must reach these and nothing else (NewsroomAdminSite).
"""

from functools import wraps

from axes.helpers import get_lockout_response
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from articles import roles, twofactor


def own_path(target, default):
    """`target` if it is a path on this site; never another host, scheme or //host."""
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(target, set()):
        return target
    return default


def step_url(user, next_path):
    """Where a user who owes the second factor goes: to enter a code, or to set one up."""
    step = "verify" if twofactor.authenticator(user) else "enrol"
    return reverse(f"admin:two_factor_{step}") + "?" + urlencode({"next": next_path})


def _next(request):
    return own_path(request.POST.get("next") or request.GET.get("next"), reverse("admin:index"))


def staff_session(view):
    """A logged-in, active staff user, second factor or not yet; CSRF-checked, never cached.
    A lockout that holds (or begins) here answers with axes' lockout page."""

    @wraps(view)
    def inner(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        try:
            return view(request, *args, **kwargs)
        except twofactor.LockedOut:
            return get_lockout_response(request, None, request.axes_credentials)

    return never_cache(csrf_protect(inner))


def _page(request, template, **context):
    context = {**admin.site.each_context(request), "next": _next(request), **context}
    return TemplateResponse(request, f"admin/two_factor/{template}.html", context)


@staff_session
def verify(request):
    """Step two of the login: a code from the authenticator app, or a recovery code."""
    user = request.user
    if not twofactor.pending(user):
        return redirect(_next(request))
    if twofactor.authenticator(user) is None:
        return redirect(step_url(user, _next(request)))
    error = None
    if request.method == "POST":
        try:
            device = twofactor.check(request, request.POST.get("code", ""))
        except twofactor.Refused as refused:
            error = str(refused)
        else:
            twofactor.passed(request, device)
            return redirect(_next(request))
    return _page(request, "verify", title="Two-factor login", error=error)


@staff_session
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), enter a code.

    Only without a confirmed authenticator, or just after a fresh code from it (replacing
    the app): else a stolen password, or an unattended session, could enrol another phone."""
    user = request.user
    if twofactor.authenticator(user) is not None and not twofactor.replacing(request):
        if twofactor.pending(user):
            return redirect(step_url(user, _next(request)))
        return redirect("admin:two_factor")
    device = twofactor.enrolment(user)
    error = None
    if request.method == "POST":
        try:
            codes = twofactor.confirm(request, device, request.POST.get("code", ""))
        except twofactor.Refused as refused:
            error = str(refused)
        else:
            if codes:
                return _recovery_codes_page(request, codes)
            return redirect("admin:two_factor")
    return _page(
        request,
        "enrol",
        title="Set up two-factor login",
        qr=twofactor.qr_image(device),
        secret=twofactor.secret_text(device),
        error=error,
    )


def _recovery_codes_page(request, codes):
    """Shown once: the codes are not shown again (new ones replace them)."""
    return _page(request, "recovery_codes", title="Your recovery codes", codes=codes)


def _verified(view):
    """The editor's own page and its forms: only once the session has passed the second
    factor, if this user is asked for one."""

    @wraps(view)
    def inner(request, *args, **kwargs):
        if twofactor.pending(request.user):
            return redirect(step_url(request.user, request.get_full_path()))
        return view(request, *args, **kwargs)

    return inner


def _devices_page(request, **extra):
    user = request.user
    return _page(
        request,
        "devices",
        title="Two-factor login",
        authenticator=twofactor.authenticator(user),
        codes_left=twofactor.recovery_codes_left(user),
        required=roles.needs_second_factor(user),
        **extra,
    )


@staff_session
@_verified
def devices(request):
    """The editor's own two-factor page: their authenticator, recovery codes left, and
    forms to make new recovery codes or replace the authenticator."""
    return _devices_page(request)


@staff_session
@_verified
def recovery_codes(request):
    """New recovery codes, replacing the old ones (which stop working)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if twofactor.authenticator(request.user) is None:
        return redirect("admin:two_factor_enrol")
    return _recovery_codes_page(request, twofactor.new_recovery_codes(request.user))


@staff_session
@_verified
def replace(request):
    """Replace the authenticator app: a fresh code from the old one (or a recovery code)
    first, then the enrolment page; the old app works until the new one is confirmed."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if twofactor.authenticator(request.user) is not None:
        try:
            twofactor.check(request, request.POST.get("code", ""))
        except twofactor.Refused as refused:
            return _devices_page(request, replace_error=str(refused))
        twofactor.start_replacing(request)
    return redirect("admin:two_factor_enrol")
