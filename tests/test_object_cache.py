"""config.cache.ObjectLocMemCache: LocMemCache semantics for immutable values, without pickling."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.cache import caches

from config.cache import ObjectLocMemCache
from declarations.page_cache import CachedBody


def _cache(**options: Any) -> ObjectLocMemCache:
    return ObjectLocMemCache(f"test-{uuid.uuid4().hex}", {"OPTIONS": options})


def test_values_are_kept_as_they_are(monkeypatch: Any) -> None:
    import pickle

    cache = _cache()
    body = CachedBody.build("<p>text</p>", {})
    monkeypatch.setattr(pickle, "loads", lambda *a: pytest.fail("unpickled"))
    monkeypatch.setattr(pickle, "dumps", lambda *a: pytest.fail("pickled"))
    cache.set("body", body, 30)
    assert cache.get("body") is body
    assert cache.add("body", "other") is False and cache.get("body") is body
    assert cache.add("shell", "<nav>") is True and cache.get("shell") == "<nav>"
    assert cache.get("missing", "default") == "default"
    with pytest.raises(NotImplementedError):
        cache.incr("body")


def test_expiry_and_bound_as_locmem(monkeypatch: Any) -> None:
    import time

    cache = _cache(MAX_ENTRIES=3, CULL_FREQUENCY=3)
    now = [1000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    cache.set("a", "1", 10)
    now[0] += 11
    assert cache.get("a") is None  # expired
    for key in "bcdef":
        cache.set(key, key, 60)
    assert sum(cache.get(key) is not None for key in "bcdef") <= 3


def test_the_page_cache_uses_it() -> None:
    assert isinstance(caches["pages"], ObjectLocMemCache)
