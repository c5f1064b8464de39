"""Shared fixtures: the demo world (loaded once per run), users by name, browser launch options."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db.models import Model
from django.test import Client, override_settings

from declarations.demo import MANIFESTO_SLUG, seed_demo
from declarations.models import Clause, ClauseText, Declaration, DeclarationVersion, Section
from signatories.models import Party, Secretariat


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory: Any) -> Any:
    """Uploaded files go to a temporary folder for the whole run (also for setUpTestData data)."""
    from django.conf import settings as django_settings

    original = django_settings.MEDIA_ROOT
    django_settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    yield
    django_settings.MEDIA_ROOT = original


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.AXES_ENABLED = False
    # Per-process caches outlive a test, and a rolled-back database hands out the same ids again.
    caches["default"].clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any, _media_root: Any) -> None:
    """The demo is loaded once, right after the test database is made (pytest-django's documented way).

    Every `django_db` test then runs inside a transaction that is rolled back, so each one starts from the
    pristine demo: the pytest form of Django's `setUpTestData`. Transactional tests (live server, threads,
    on-commit e-mails) run after all of them and flush the database; those that need the demo seed it
    again (`demo` does, as do `demo_live` and the concurrency tests).
    """
    # The demo passwords are hashed as in every test (a hasher the tests do not list cannot check them).
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        seed_demo(create_users=True)


@pytest.fixture
def demo(db: Any) -> Declaration:
    """The DETA manifesto with the DETA parties and all demo users (loaded once per run, see above)."""
    return Declaration.objects.filter(slug=MANIFESTO_SLUG).first() or seed_demo(create_users=True)


@pytest.fixture
def no_demo(db: Any) -> None:
    """A fresh installation's database: the demo is deleted inside this test's transaction (rolled back after).

    For tests whose premise is that nothing exists yet (the first secretariat, the only declaration, a seed
    without users). Tests that merely check that nothing was written compare counts before and after.
    """
    # Children first: a declaration's text and versions are protected from a cascade (the record stays whole).
    seeded: list[type[Model]] = [ClauseText, Clause, Section, DeclarationVersion, Declaration]
    seeded += [Secretariat, Party, get_user_model(), Group]
    seeded += [m.history.model for m in apps.get_models() if getattr(m, "history", None) is not None]  # type: ignore[attr-defined]
    for model in seeded:
        model._default_manager.all().delete()


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
