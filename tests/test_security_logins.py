"""Admin login lockout (django-axes), unlock, sessions and the configurable admin path."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.comments import ip_hash
from articles.models import AuditEntry
from tests import djangoproc
from tests.factories import make_staff

PASSWORD = "correct horse battery staple 9"  # noqa: S105 - a test account
HOME = "192.0.2.10"  # the editor's usual address


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing speed is not under test here; the production hasher costs a second a login."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    user = make_staff("editor")
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, username, password, ip="192.0.2.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def earlier(**delta):
    """Move every recorded failure back in time, as if that long had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(**delta))


def tried():
    return sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))


def fail_until_locked(client, username="editor", ips=None):
    for n in range(settings.AXES_FAILURE_LIMIT):
        ip = ips[n] if ips else "192.0.2.1"
        response = login(client, username, "wrong password", ip=ip)
    return response


def test_a_wrong_password_is_refused_but_not_locked(client, editor):
    response = login(client, "editor", "wrong password")
    assert response.status_code == 200
    assert b"Please enter the correct username and password" in response.content
    assert login(client, "editor", PASSWORD).status_code == 302


def test_repeated_failures_lock_the_user_out_with_a_clear_message(client, editor):
    response = fail_until_locked(client)
    assert response.status_code == 429
    assert b"Login locked" in response.content
    assert b"5 failed login attempts" in response.content
    assert b"1:00:00" in response.content  # the cool-off from settings
    # Even the right password is refused while locked.
    assert login(client, "editor", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_hammering_a_name_from_elsewhere_never_locks_its_owner_at_home(client, editor, settings):
    settings.STANDFIRST_LOGIN_BACKOFF_SECONDS = 60
    assert login(client, "editor", PASSWORD, ip=HOME).status_code == 302
    client.logout()
    for n in range(30):
        login(client, "editor", "wrong password", ip=f"198.51.100.{n}")
    assert login(client, "editor", PASSWORD, ip=HOME).status_code == 302
    client.logout()
    # From an address the name never logged in from, it backs off.
    assert login(client, "editor", PASSWORD, ip="203.0.113.77").status_code == 429


def test_a_name_tried_from_many_addresses_backs_off_exponentially(client, editor, settings):
    settings.STANDFIRST_LOGIN_BACKOFF_SECONDS = 10
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "editor", "wrong password", ip=f"198.51.100.{n}")
    assert login(client, "editor", PASSWORD, ip="198.51.100.50").status_code == 429
    earlier(seconds=11)  # the first wait (10 s) is over: one more guess is tried
    login(client, "editor", "wrong password", ip="198.51.100.51")
    assert tried() == settings.AXES_FAILURE_LIMIT + 1
    earlier(seconds=11)  # the next wait is 20 s
    assert login(client, "editor", PASSWORD, ip="198.51.100.52").status_code == 429
    earlier(seconds=10)
    assert login(client, "editor", PASSWORD, ip="198.51.100.52").status_code == 302


def test_an_address_is_locked_after_the_slower_limit_whatever_the_names(client, editor, settings):
    for n in range(settings.STANDFIRST_LOGIN_IP_FAILURE_LIMIT - 1):
        login(client, f"guess{n}", "wrong password", ip="192.0.2.50")
    assert login(client, "editor", PASSWORD, ip="192.0.2.50").status_code == 302
    client.logout()
    login(client, "guess-last", "wrong password", ip="192.0.2.50")
    assert login(client, "editor", PASSWORD, ip="192.0.2.50").status_code == 429
    # Another address is not affected.
    assert login(client, "editor", PASSWORD, ip="192.0.2.51").status_code == 302


def test_a_lockout_is_audited_once_without_the_address(client, editor):
    fail_until_locked(client)
    for _ in range(3):
        assert login(client, "editor", "wrong password").status_code == 429
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_LOCKED_OUT)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.system_actor == "login lockout" and entry.actor is None
    assert entry.detail == {
        "username": "editor",
        "address_hash": ip_hash("192.0.2.1"),
        "rule": "user at address",
    }
    assert "192.0.2.1" not in str(entry.detail)


def test_lockout_ends_after_the_cool_off(client, editor):
    fail_until_locked(client)
    earlier = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert login(client, "editor", PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, editor):
    fail_until_locked(client)
    admin = make_staff("chief")
    attempts = AccessAttempt.objects.filter(username="editor")
    assert attempts.exists()
    client.force_login(admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in attempts],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert login(client, "editor", PASSWORD).status_code == 302


def test_axes_reset_unlocks(client, editor):
    fail_until_locked(client)
    call_command("axes_reset", verbosity=0)
    assert login(client, "editor", PASSWORD).status_code == 302


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password1234", "12345678901234", "short1!"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user=None)
    validate_password(PASSWORD)


def test_sessions_end_with_the_browser_and_after_twelve_hours():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


def test_admin_lives_at_the_configured_path():
    result = djangoproc.run(
        """
        from django.conf import settings
        from django.core.management import call_command
        from django.shortcuts import resolve_url
        from django.urls import reverse
        call_command("migrate", verbosity=0)
        client = Client()
        print(json.dumps({
            "login": reverse("admin:login"),
            "login_url": resolve_url(settings.LOGIN_URL),
            "markdownx": client.get("/markdownx/markdownify/")["Location"],
            "old_admin": client.get("/admin/").status_code,
            "new_admin": client.get("/newsroom-7f3k/")["Location"],
            "csp": client.get("/newsroom-7f3k/login/")["Content-Security-Policy"],
        }))
        """,
        {"DJANGO_ADMIN_PATH": "newsroom-7f3k/", "DATABASE_URL": "sqlite:///:memory:"},
    )
    assert result["login"] == "/newsroom-7f3k/login/"
    assert result["login_url"] == "/newsroom-7f3k/login/"
    assert result["markdownx"].startswith("/newsroom-7f3k/login/?next=")
    assert result["old_admin"] == 404
    assert result["new_admin"].startswith("/newsroom-7f3k/login/")
    assert "script-src 'self'" in result["csp"]
