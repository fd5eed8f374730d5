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
