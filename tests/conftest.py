import sys
from pathlib import Path

import pytest

SEED = (
    Path(__file__).resolve().parent.parent
    / "articles"
    / "demo_content"
    / "community-care-hamzah-khan.txt"
)


@pytest.fixture
def seed_path():
    return SEED


@pytest.fixture(autouse=True)
def _caches_as_without_redis(settings):
    """The same defaults whether or not REDIS_URL is set (CI runs the PostgreSQL pass with
    it, so the cache backend, content keys and rate limits are tested on Redis): whole
    pages and the article's kept parts are cached only in the tests that turn them on."""
    settings.STANDFIRST_PAGE_CACHE = False
    settings.STANDFIRST_FRAGMENT_CACHE = False


@pytest.fixture(autouse=True, scope="session")
def _no_replica_reads():
    """With DATABASE_REPLICA_URL set, the suite still reads the one test database: the
    replica alias only mirrors its name (TEST MIRROR), and a test's own transaction is seen
    on its connection alone. Before any handler (live_server's too) loads the middleware.
    tests/test_scale_replica.py tests the replica, on a real primary and replica."""
    from django.conf import settings
    from django.test import override_settings

    if "replica" not in settings.DATABASES:
        yield
        return
    middleware = [
        name for name in settings.MIDDLEWARE if name != "articles.replica.ReplicaReadsMiddleware"
    ]
    with override_settings(DATABASE_ROUTERS=[], MIDDLEWARE=middleware):
        yield


@pytest.fixture(autouse=True, scope="session")
def _force_login_passes_the_second_factor():
    """The one place the tests step round two-factor login: a session that Client.force_login
    makes (pytest-django's admin_client too) has passed the second factor, with a confirmed
    authenticator made for a user who owes one. Enforcement stays real everywhere else;
    tests/test_security_two_factor.py logs in with a password and a real TOTP code."""
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        from articles import twofactor
        from tests.factories import enrolled_authenticator

        original(self, user, backend)
        if twofactor.asks_for(user):
            device = enrolled_authenticator(user)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    ClientMixin.force_login = force_login
    yield
    ClientMixin.force_login = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_terminal_summary(terminalreporter):
    """The fuzzer's count of inputs tried (tests/test_security_fuzz.py), when it ran."""
    fuzz = sys.modules.get("tests.test_security_fuzz")
    if fuzz and fuzz.TRIED:
        TRIED = fuzz.TRIED
        tried = ", ".join(f"{name}: {count}" for name, count in sorted(TRIED.items()))
        terminalreporter.write_line(f"fuzzer inputs tried: {sum(TRIED.values())} ({tried})")


@pytest.fixture
def intake_server(settings):
    """A local HTTP server for intake, its host allowlisted (STANDFIRST_INTAKE_ALLOWED_HOSTS)."""
    from tests.intake_server import IntakeServer

    settings.STANDFIRST_INTAKE_ALLOWED_HOSTS = ["127.0.0.1"]
    with IntakeServer() as server:
        yield server
