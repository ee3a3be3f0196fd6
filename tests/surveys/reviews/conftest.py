import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The per-address review counters live in the cache: start and end each test with none."""
    cache.clear()
    yield
    cache.clear()
