"""Admin login lockout (django-axes), unlock, sessions and the configurable admin path."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import djangoproc
from tests.factories import make_staff

PASSWORD = "correct horse battery staple 9"  # noqa: S105 - a test account


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


def test_lockout_is_per_user_name_from_any_ip(client, editor):
    ips = [f"198.51.100.{n}" for n in range(1, 10)]
    assert fail_until_locked(client, ips=ips).status_code == 429
    assert login(client, "editor", PASSWORD, ip="203.0.113.77").status_code == 429


def test_lockout_is_per_ip_whatever_the_user_name(client, editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess{n}", "wrong password", ip="192.0.2.50")
    assert login(client, "editor", PASSWORD, ip="192.0.2.50").status_code == 429
    # Another address is not affected.
    assert login(client, "editor", PASSWORD, ip="192.0.2.51").status_code == 302


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
