"""The Django admin, for superusers only (decision 53, docs/security.md).

Django lets any staff user with a model permission into the admin, and a permission to change
users there is a permission to make oneself a superuser. Accord's secretariat works in the app,
through the per-declaration loaders; the admin is a repair tool for the few people who already hold
every right, so it asks for exactly that, at login and on every page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form; a correct password of anyone but an active superuser is refused."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _("Please enter the correct username and password of a superuser account."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class SuperuserAdminSite(AdminSite):
    site_header = _("Accord back office")
    site_title = _("Accord back office")
    login_form = SuperuserAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)
