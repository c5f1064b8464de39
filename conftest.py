"""Shared fixtures: the demo world, users by name, browser launch options."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client

from declarations.demo import MANIFESTO_SLUG, seed_demo
from declarations.models import Declaration


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory: Any) -> Any:
    """Uploaded files go to a temporary folder for the whole run (also for setUpTestData data)."""
    from django.conf import settings as django_settings

    original = django_settings.MEDIA_ROOT
    django_settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    yield
    django_settings.MEDIA_ROOT = original


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    # Per-process caches outlive a test, and a rolled-back database hands out the same ids again.
    caches["default"].clear()


@pytest.fixture
def demo(db: Any) -> Declaration:
    """The DETA manifesto with the DETA parties and all demo users."""
    return seed_demo(create_users=True)


@pytest.fixture
def user_client(demo: Declaration) -> Any:
    """client_for('gyeonggi.reviewer') → a logged-in test client."""

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return client_for


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return {
        "executable_path": executable,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


__all__ = ["MANIFESTO_SLUG"]
