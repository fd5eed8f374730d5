"""Two-factor login for staff: the password form, then a real TOTP code (or a recovery code),
enrolment, throttling, the lockout, and the editor's own page. Every login here goes through
the real forms; no test uses force_login for the user who logs in (tests/conftest.py)."""

import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import twofactor
from articles.models import AuditEntry
from tests.factories import make_article, make_staff

PASSWORD = "correct horse battery staple 9"  # noqa: S105 - a test account
RECOVERY = ["abcd2345", "efgh6723"]  # a test account's recovery codes
INDEX = "/admin/"
REGISTER = "/admin/articles/donotidentify/"
VERIFY = "/admin/two-factor/verify/"
ENROL = "/admin/two-factor/enrol/"
OWN_PAGE = "/admin/two-factor/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def member(username, group):
    user = make_staff(username, superuser=False)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


def enrolled(user):
    """A confirmed authenticator and two recovery codes, as after enrolment."""
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    codes = StaticDevice.objects.create(user=user, name="Recovery codes")
    for recovery in RECOVERY:
        codes.token_set.create(token=recovery)
    return device


def code(device, steps_ahead=0):
    """The code the user's authenticator app shows now (or a step later), from its key."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong(device):
    """A 6-digit code the device does not accept now (none of the codes it tolerates)."""
    accepted = {code(device, offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def wait_out_the_throttle():
    """As if the wait after a wrong code (1, 2, 4 ... s) had passed."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)


def login(client, username, next_path=INDEX, ip="192.0.2.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": next_path},
        REMOTE_ADDR=ip,
    )


def verify(client, value, next_path=INDEX, ip="192.0.2.1"):
    return client.post(VERIFY, {"code": value, "next": next_path}, REMOTE_ADDR=ip)


@pytest.fixture
def editor():
    user = member("eddie", "Editors")
    user.device = enrolled(user)
    return user


def test_a_password_then_a_real_totp_code_reaches_the_admin(client, editor):
    response = login(client, "eddie")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get(INDEX)["Location"].startswith(VERIFY)  # not yet
    assert client.get(VERIFY).status_code == 200
    response = verify(client, code(editor.device))
    assert response.status_code == 302 and response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200
    assert client.get(REGISTER).status_code == 200


def test_the_code_step_is_behind_a_user_who_has_passed_it(client, editor):
    login(client, "eddie")
    verify(client, code(editor.device))
    assert client.get(f"{VERIFY}?next={REGISTER}")["Location"] == REGISTER


def test_a_wrong_code_is_refused_with_a_clear_message(client, editor):
    login(client, "eddie")
    response = verify(client, wrong(editor.device))
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(INDEX)["Location"].startswith(VERIFY)
    response = verify(client, "")
    assert "Enter the 6-digit code" in response.content.decode()


def test_a_code_is_good_once(client, editor):
    used = code(editor.device)
    login(client, "eddie")
    assert verify(client, used)["Location"] == INDEX
    other = Client()
    login(other, "eddie")
    response = verify(other, used)
    assert response.status_code == 200 and "has been used already" in response.content.decode()
    assert other.get(INDEX)["Location"].startswith(VERIFY)


def test_a_recovery_code_works_once(client, editor):
    login(client, "eddie")
    assert verify(client, "ABCD-2345")["Location"] == INDEX  # as printed, any case
    assert not StaticToken.objects.filter(token=RECOVERY[0]).exists()
    other = Client()
    login(other, "eddie")
    assert verify(other, "abcd2345").status_code == 200
    assert other.get(INDEX)["Location"].startswith(VERIFY)


def test_an_editor_without_an_authenticator_enrols_before_anything_opens(client):
    member("nadia", "Editors")
    draft = make_article(headline="Draft Zebu", status="draft")
    response = login(client, "nadia")
    assert response["Location"] == f"{ENROL}?next=%2Fadmin%2F"
    for path in (INDEX, REGISTER, OWN_PAGE, VERIFY):
        assert client.get(path)["Location"].startswith(ENROL), path
    preview = client.post("/markdownx/markdownify/", {"content": "*x*"})
    assert preview.status_code == 302 and b"<em>" not in preview.content
    assert client.get(draft.get_absolute_url()).status_code == 404  # no staff preview yet

    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user__username="nadia", confirmed=False)
    assert 'src="data:image/svg+xml' in page  # the QR code, an image: no script
    secret = TOTPDevice.objects.get(pk=device.pk).config_url.split("secret=")[1].split("&")[0]
    assert secret[:4] in page and "<script" not in page.split('id="content"')[1]
    response = client.post(ENROL, {"code": wrong(device), "next": INDEX})
    assert "That code is not right" in response.content.decode()
    assert client.get(INDEX)["Location"].startswith(ENROL)

    wait_out_the_throttle()
    response = client.post(ENROL, {"code": code(device), "next": INDEX})
    assert response.status_code == 200
    shown = response.context["codes"]
    assert len(shown) == 10 and len(set(shown)) == 10
    assert all(c in response.content.decode() for c in shown)
    assert client.get(INDEX).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_password_alone_cannot_enrol_another_authenticator(client, editor):
    """A thief with the password must not set up their own phone in place of the editor's."""
    login(client, "eddie")
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_a_writer_is_not_asked(client):
    member("wendy", "Writers")
    response = login(client, "wendy")
    assert response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


@pytest.mark.parametrize("group", ["Legal", "Editors"])  # the register; publishing
def test_whoever_may_open_the_register_or_publish_is_asked(client, group):
    member("lee", group)
    assert login(client, "lee")["Location"].startswith(ENROL)
    assert client.get(INDEX)["Location"].startswith(ENROL)


def test_whoever_may_publish_is_asked_whatever_their_groups(client):
    from django.contrib.auth.models import Permission

    user = member("pat", "Writers")
    user.user_permissions.add(Permission.objects.get(codename="publish_article"))
    assert login(client, "pat")["Location"].startswith(ENROL)


def test_passing_the_second_factor_gives_the_session_a_new_key(client, editor):
    login(client, "eddie")
    before = client.session.session_key
    verify(client, code(editor.device))
    assert client.session.session_key != before


def test_a_superuser_is_asked(client):
    chief = make_staff("chief")
    chief.set_password(PASSWORD)
    chief.save()
    device = enrolled(chief)
    assert login(client, "chief")["Location"].startswith(VERIFY)
    assert verify(client, code(device))["Location"] == INDEX


def test_a_writer_who_chose_two_factor_is_asked_for_it(client):
    writer = member("wendy", "Writers")
    device = enrolled(writer)
    assert login(client, "wendy")["Location"].startswith(VERIFY)
    assert client.get(INDEX)["Location"].startswith(VERIFY)
    assert verify(client, code(device))["Location"] == INDEX


def test_the_password_lockout_still_locks_out_and_a_right_code_does_not_open_it(
    client, editor, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "eddie", "password": "wrong"})
    assert login(client, "eddie").status_code == 429
    assert "_auth_user_id" not in client.session
    response = verify(client, code(editor.device))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get(INDEX)["Location"].startswith("/admin/login/")


def test_wrong_codes_count_towards_the_lockout(client, editor, settings):
    """With the password known, guessing codes locks the name out at that address, as
    guessing passwords does; the lockout is audited once and ends the half-made login."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # here the lockout alone limits the guesses
    login(client, "eddie")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert verify(client, wrong(editor.device)).status_code == 200
    response = verify(client, wrong(editor.device))
    assert response.status_code == 429 and "Login locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_LOCKED_OUT)
    assert entry.detail["username"] == "eddie" and entry.detail["rule"] == "user at address"
    assert login(client, "eddie").status_code == 429
    # After the cool-off: the password, and a right code, and the login is whole.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    )
    assert login(client, "eddie")["Location"].startswith(VERIFY)
    assert verify(client, code(editor.device))["Location"] == INDEX


def test_a_locked_out_user_with_a_half_made_login_stays_locked_out(client, editor, settings):
    login(client, "eddie")  # the password, from 192.0.2.1
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(
            reverse("admin:login"), {"username": "eddie", "password": "x"}, REMOTE_ADDR="192.0.2.1"
        )
    response = verify(client, code(editor.device))
    assert response.status_code == 429
    assert client.get(INDEX)["Location"].startswith("/admin/login/")


def test_wrong_codes_are_throttled(client, editor):
    login(client, "eddie")
    verify(client, wrong(editor.device))
    response = verify(client, code(editor.device))  # right, but too soon after a wrong one
    assert "Too many wrong codes: wait 1 second, then try again." in response.content.decode()
    assert client.get(INDEX)["Location"].startswith(VERIFY)
    TOTPDevice.objects.filter(pk=editor.device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=2)
    )
    assert verify(client, code(editor.device))["Location"] == INDEX


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/admin/", "/\\evil.example/", "http:evil.example"],
)
def test_next_never_leads_off_the_site(client, editor, target):
    response = login(client, "eddie", next_path=target)
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert verify(client, code(editor.device), next_path=target)["Location"] == INDEX


def test_next_leads_to_the_page_asked_for(client, editor):
    response = client.get(REGISTER)
    assert response["Location"] == "/admin/login/?next=/admin/articles/donotidentify/"
    response = login(client, "eddie", next_path=REGISTER)
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Farticles%2Fdonotidentify%2F"
    assert verify(client, code(editor.device), next_path=REGISTER)["Location"] == REGISTER


def test_the_steps_check_csrf(editor):
    client = Client(enforce_csrf_checks=True)
    login_page = client.get(reverse("admin:login"))
    token = login_page.cookies["csrftoken"].value
    form = {"username": "eddie", "password": PASSWORD, "csrfmiddlewaretoken": token}
    assert client.post(reverse("admin:login"), form).status_code == 302
    assert client.post(VERIFY, {"code": code(editor.device)}).status_code == 403
    assert client.get(INDEX)["Location"].startswith(VERIFY)


def test_an_unverified_user_can_log_out(client, editor):
    login(client, "eddie")
    response = client.post(reverse("admin:logout"))
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session


def test_new_recovery_codes_replace_the_old(client, editor):
    login(client, "eddie")
    verify(client, code(editor.device))
    page = client.get(OWN_PAGE).content.decode()
    assert "You have 2 unused recovery codes" in page
    response = client.post("/admin/two-factor/recovery-codes/")
    fresh = response.context["codes"]
    assert len(fresh) == 10
    client.logout()
    login(client, "eddie")
    assert verify(client, "abcd2345").status_code == 200  # an old one: gone
    wait_out_the_throttle()
    assert verify(client, fresh[0])["Location"] == INDEX


def test_replacing_the_authenticator_needs_a_fresh_code(client, editor):
    login(client, "eddie")
    verify(client, code(editor.device))
    assert client.get(ENROL)["Location"] == OWN_PAGE  # verified, but no fresh code
    response = client.post("/admin/two-factor/replace/", {"code": wrong(editor.device)})
    assert "That code is not right" in response.content.decode()
    wait_out_the_throttle()
    response = client.post("/admin/two-factor/replace/", {"code": code(editor.device, 1)})
    assert response["Location"] == ENROL
    assert client.get(ENROL).status_code == 200
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    response = client.post(ENROL, {"code": code(new)})
    assert response["Location"] == OWN_PAGE  # recovery codes kept: none shown
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]
    assert StaticToken.objects.filter(device__user=editor).count() == 2


def test_the_fresh_code_allows_a_new_app_for_fifteen_minutes(client, editor):
    login(client, "eddie")
    verify(client, code(editor.device))
    client.post("/admin/two-factor/replace/", {"code": code(editor.device, 1)})
    session = client.session
    session[twofactor.REPLACING] -= 15 * 60 + 1
    session.save()
    assert client.get(ENROL)["Location"] == OWN_PAGE


def test_a_superuser_resets_another_users_two_factor_login(client, admin_client, editor):
    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    page = admin_client.get(changelist)
    assert page.status_code == 200 and editor.device.key not in page.content.decode()
    change = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[editor.device.pk]))
    assert editor.device.key not in change.content.decode()  # the secret is never shown
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [editor.device.pk], "post": "yes"},
    )
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert login(client, "eddie")["Location"].startswith(ENROL)


def test_the_secret_and_the_codes_are_never_logged(client, caplog):
    member("nadia", "Editors")
    caplog.set_level(logging.DEBUG)
    login(client, "nadia")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user__username="nadia")
    client.post(ENROL, {"code": wrong(device)})
    wait_out_the_throttle()
    right = code(device)
    assert client.post(ENROL, {"code": right}).status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    secret = device.config_url.split("secret=")[1].split("&")[0]
    logged = caplog.text
    assert "Wrong second-factor code for nadia" in logged
    assert device.key not in logged and secret not in logged and right not in logged
