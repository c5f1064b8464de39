"""Production settings pass Django's deployment checklist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "ACCORD_TESTING", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        SECRET_KEY="k3Y-for-the-deploy-check_" + "0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="accord.example.org",
        SITE_URL="https://accord.example.org",
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    """`manage.py check --deploy` reports no issue with production settings."""
    # Its own var/ directory: a fresh clone has none until `make run` creates it.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(ACCORD_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key() -> None:
    """With DEBUG off, a missing SECRET_KEY stops the process with a clear message."""
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_collectstatic_succeeds(tmp_path: Path) -> None:
    """Static files collect with the production (manifest) storage, as the Dockerfile does."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=_production_env(STATIC_ROOT=str(tmp_path / "static")),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def _settings_value(expression: str, **extra: str) -> subprocess.CompletedProcess[str]:
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**_production_env(**extra), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_cache_url_shares_the_cache_and_reads_sessions_from_it() -> None:
    """With CACHE_URL (docker-compose) the cache is Redis and sessions are cached_db; without it,
    each process has its own memory cache and sessions stay in the database only."""
    expression = "s.CACHES['default']['BACKEND'], s.SESSION_ENGINE"
    shared = _settings_value(expression, CACHE_URL="redis://cache:6379/0")
    assert shared.returncode == 0, shared.stderr
    assert "django.core.cache.backends.redis.RedisCache" in shared.stdout and "cached_db" in shared.stdout
    alone = _settings_value(expression)
    assert "RedisCache" not in alone.stdout and alone.stdout.strip().endswith("sessions.backends.db")
    refused = _settings_value(expression, CACHE_URL="memcached://cache:11211")
    assert refused.returncode != 0 and "CACHE_URL must be" in refused.stderr
