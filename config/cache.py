"""Cache backends: Django's Redis cache with one client per pool, and a per-process cache without pickling.

Django's RedisCacheClient.get_client() builds a new redis.Redis object on every cache call, and
building one (its response-callback tables) costs more than the GET it is made for: measured at
~1.3 ms of CPU per request on the declaration page of a 2-core machine. redis.Redis objects are
thread-safe and share the pool's connections, so one per pool is enough.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _PooledClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Private parts of Django's client (django-stubs does not describe them).
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class SharedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _PooledClient


class ObjectLocMemCache(LocMemCache):
    """Django's per-process memory cache, keeping the values themselves instead of pickles.

    For the rendered-page cache (CACHES["pages"]): its values are immutable (str, and
    declarations.page_cache.CachedBody, a frozen dataclass nobody mutates), so the pickling that
    protects LocMemCache's values from mutation is pure cost there: unpickling the ~65 KB body and
    the top bar on every declaration page (~20 µs of CPU under load). Only for values that are
    never mutated; `incr` is not offered.
    """

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:  # type: ignore[attr-defined]
            if self._has_expired(key):  # type: ignore[attr-defined]
                self._set(key, value, timeout)  # type: ignore[attr-defined]
                return True
            return False

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:  # type: ignore[attr-defined]
            if self._has_expired(key):  # type: ignore[attr-defined]
                self._delete(key)  # type: ignore[attr-defined]
                return default
            value = self._cache[key]  # type: ignore[attr-defined]
            self._cache.move_to_end(key, last=False)  # type: ignore[attr-defined]
        return value

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:  # type: ignore[attr-defined]
            self._set(key, value, timeout)  # type: ignore[attr-defined]

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        raise NotImplementedError("ObjectLocMemCache keeps immutable values only.")
