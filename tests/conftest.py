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
