"""config.cache.SharedRedisCache: Django's Redis cache with one client per pool (needs a Redis server)."""

from __future__ import annotations

import os
import uuid

import pytest

from config.cache import SharedRedisCache

URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def shared() -> SharedRedisCache:
    import redis

    try:
        redis.Redis.from_url(URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        pytest.skip(f"no Redis at {URL}")
    return SharedRedisCache(URL, {"KEY_PREFIX": f"accord-test-{uuid.uuid4().hex}"})


def test_round_trip_and_one_client_per_pool(shared: SharedRedisCache) -> None:
    shared.set("body", b"x" * 70_000, 30)
    assert shared.get("body") == b"x" * 70_000
    assert shared.get_many(["body", "missing"]) == {"body": b"x" * 70_000}
    client = shared._cache.get_client(write=True)
    assert shared._cache.get_client(write=True) is client
    shared.delete("body")
    assert shared.get("body") is None


def test_sessions_through_the_shared_cache_end_with_a_logout(shared: SharedRedisCache, db: object) -> None:
    """cached_db: the session is read from the cache; deleting it (logout) removes it from both."""
    from django.contrib.sessions.backends.cached_db import SessionStore

    store = SessionStore()
    store._cache = shared  # type: ignore[attr-defined]
    store["who"] = "secretariat"
    store.save()
    again = SessionStore(store.session_key)
    again._cache = shared  # type: ignore[attr-defined]
    assert again.load() == {"who": "secretariat"}
    again.delete()
    assert shared.get(again.cache_key) is None
    gone = SessionStore(store.session_key)
    gone._cache = shared  # type: ignore[attr-defined]
    assert gone.load() == {}
