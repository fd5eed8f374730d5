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
def _fresh_cache():
    """Each test starts with an empty cache, so cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def intake_server(settings):
    """A local HTTP server for intake, its host allowlisted (STANDFIRST_INTAKE_ALLOWED_HOSTS)."""
    from tests.intake_server import IntakeServer

    settings.STANDFIRST_INTAKE_ALLOWED_HOSTS = ["127.0.0.1"]
    with IntakeServer() as server:
        yield server
