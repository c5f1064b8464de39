"""Issue 18, defect 10: the admin is mounted only when enabled, at a configurable path."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import config.urls
from config.admin_site import SuperuserAdminSite

from .test_deploy_check import _settings_value


@contextmanager
def admin_settings(**values: Any) -> Iterator[None]:
    """The URLconf as it is built under these settings (config/urls.py reads them at import)."""
    try:
        with override_settings(**values):
            clear_url_caches()
            importlib.reload(config.urls)
            yield
    finally:
        clear_url_caches()
        importlib.reload(config.urls)


def test_admin_site_is_the_superuser_site() -> None:
    """Every model registered with @admin.register lands on the site that asks for a superuser."""
    assert isinstance(admin.site._wrapped, SuperuserAdminSite)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_disabled_admin_has_no_login_page() -> None:
    """With ADMIN_ENABLED off, /admin/login/ is a plain 404 and pages render without the link."""
    with admin_settings(ADMIN_ENABLED=False):
        assert Client().get("/admin/login/").status_code == 404
        with pytest.raises(NoReverseMatch):
            reverse("admin:index")
        assert Client().get("/accounts/login/").status_code == 200


@pytest.mark.django_db
def test_admin_at_a_configured_path(demo: Any) -> None:
    """ADMIN_URL moves the admin; the old path is 404 and the superuser's top bar links the new one."""
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", "accord-demo")
    with admin_settings(ADMIN_ENABLED=True, ADMIN_URL="ops/back-office-7f3a/"):
        client = Client()
        assert client.get("/admin/login/").status_code == 404
        assert client.get("/ops/back-office-7f3a/login/").status_code == 200
        client.force_login(root)
        page = client.get(reverse("signing:home")).content.decode()
        assert 'href="/ops/back-office-7f3a/"' in page


@pytest.mark.django_db
def test_back_office_link_only_for_superusers(user_client: Any) -> None:
    """The secretariat's top bar has no "Back office" link (it cannot use the admin)."""
    page = user_client("secretariat").get(reverse("signing:home")).content.decode()
    assert "Back office" not in page


def test_production_default_is_off() -> None:
    """With DEBUG off and nothing set, the admin is not mounted; ADMIN_ENABLED=1 and ADMIN_URL turn it on."""
    off = _settings_value("s.ADMIN_ENABLED")
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "False"
    on = _settings_value("s.ADMIN_ENABLED, s.ADMIN_URL", ADMIN_ENABLED="1", ADMIN_URL="/ops/bo/")
    assert on.stdout.strip() == "True ops/bo/"
    bad = _settings_value("s.ADMIN_URL", ADMIN_URL="x/<script>/")
    assert bad.returncode != 0 and "ADMIN_URL must be" in bad.stderr
    dev = _settings_value("s.ADMIN_ENABLED", DEBUG="1")
    assert dev.stdout.strip() == "True"
