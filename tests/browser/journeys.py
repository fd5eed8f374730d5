"""Steps the journeys share: logging in through the admin's own form, and watching a page for
console errors and failed requests."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model

from articles import twofactor
from tests.factories import enrolled_authenticator, totp_code


def admin_url(path=""):
    return f"/{settings.ADMIN_PATH}{path}"


def log_in(page, username):
    """Sign in through the real admin login form, as an editor does (factories' password),
    then, for a user asked for a second factor, the real code of their authenticator app."""
    user = get_user_model().objects.get(username=username)
    device = enrolled_authenticator(user) if twofactor.asks_for(user) else None
    page.goto(admin_url("login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", "x")
    page.click("input[type=submit]")
    if device is not None:
        page.fill("#id_code", totp_code(device))
        page.click("#two-factor-form input[type=submit]")
    page.wait_for_selector("#user-tools")


def at_width(browser, live_server, width, height=900):
    """A fresh context (its own cookies) and page `width` px wide on the live server, its
    screenshots named by the width. The caller closes the context."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.viewport_name = str(width)
    return context, page


def wait_until(check, *, seconds=30, every=0.5):
    """Poll check() until it is true or the bounded wait runs out; return its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


class Watch:
    """Collects console errors, failed requests and HTTP errors seen by a page."""

    def __init__(self, page, allowed_statuses=()):
        self.problems = []
        self.allowed = set(allowed_statuses)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message):
        if message.type == "error" and not self._favicon(message.location.get("url", "")):
            self.problems.append(f"console error: {message.text}")

    @staticmethod
    def _favicon(url):
        # Chromium asks every site for /favicon.ico; the admin pages declare no icon.
        return url.endswith("/favicon.ico")

    def _failed(self, request):
        # The admin's autocomplete cancels its pending lookup when the editor types on.
        if "/autocomplete/" in request.url and request.failure == "net::ERR_ABORTED":
            return
        # A static file still loading when the page navigates on is cancelled by the
        # browser: no failure of ours (a missing file is an HTTP 404, caught below).
        if "/static/" in request.url and request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.url} {request.failure}")

    def _response(self, response):
        if response.status >= 400 and response.status not in self.allowed:
            if self._favicon(response.url):
                return
            self.problems.append(f"HTTP {response.status}: {response.url}")


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
