"""Two-factor enrolment in real Chromium at 390 and 1280 px: an editor's first login leads to
the QR page, a real code from the secret confirms the authenticator, the recovery codes are
shown once, and the next login asks for a code. The admin's look, no script of our own, no
console error (the admin's CSP would report one), no sideways scroll, no serious or critical
axe violation. Screenshots go to /work/tmp/shots-otp/ when it exists, else test-artifacts."""

from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import SCREENSHOTS, describe
from tests.browser.journeys import Watch, admin_url, at_width, horizontal_overflow
from tests.factories import make_member, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/tmp/shots-otp")


def shoot(page, name):
    folder = SHOTS if SHOTS.parent.exists() else SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(folder / f"two-factor-{name}-{page.viewport_name}.png"), full_page=True
    )


def checked(page, axe, name):
    shoot(page, name)
    assert horizontal_overflow(page) <= 0, name
    violations = axe(page, impacts={"serious", "critical"})
    assert not violations, describe(violations)


def password(page):
    page.goto(admin_url("login/"))
    page.fill("#id_username", "nadia")
    page.fill("#id_password", "x")
    page.click("input[type=submit]")


@pytest.mark.parametrize("width", [390, 1280])
def test_an_editor_enrols_with_the_qr_page_and_a_real_code(browser, live_server, axe, width):
    make_member("nadia", "Editors")
    context, page = at_width(browser, live_server, width)
    watch = Watch(page)

    password(page)
    page.wait_for_selector("#two-factor-secret")
    assert "/two-factor/enrol/" in page.url
    qr = page.locator(".two-factor-qr img")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")  # the SVG drew
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.locator("script:not([src])").count() == 0
    checked(page, axe, "enrol")

    device = TOTPDevice.objects.get(user__username="nadia", confirmed=False)
    typed = page.inner_text("#two-factor-secret").replace(" ", "")
    assert typed == device.config_url.split("secret=")[1].split("&")[0]
    page.fill("#id_code", totp_code(device))
    page.click("#two-factor-form input[type=submit]")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    checked(page, axe, "recovery-codes")
    page.click("text=I have kept them: continue")
    page.wait_for_selector("#user-tools")
    assert page.url.endswith(admin_url())

    page.click("#user-tools a[href$='/two-factor/']")
    page.wait_for_selector("text=You have 10 unused recovery codes")
    checked(page, axe, "own-page")

    page.context.clear_cookies()
    password(page)
    page.wait_for_selector("#id_code")
    assert "/two-factor/verify/" in page.url
    page.fill("#id_code", "000000")
    page.click("#two-factor-form input[type=submit]")
    page.wait_for_selector("text=That code is not right")
    checked(page, axe, "verify-refused")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    page.fill("#id_code", totp_code(device))
    page.click("#two-factor-form input[type=submit]")
    page.wait_for_selector("#user-tools")
    assert watch.problems == []
