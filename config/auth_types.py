"""Type names for "who is acting", shared by permissions, services and views.

- `User`: an authenticated person (the project keeps Django's own user model, so this is
  `django.contrib.auth.models.User`). Services take `by: User` / `user: User`.
- `AnyUser`: whatever `request.user` may be before anyone has checked, i.e. possibly anonymous.
  The permission loaders take it and answer 404/403 themselves.
- `AuthenticatedHttpRequest`: the request a view behind `@login_required` receives; its `user` is a `User`.
  Only an annotation: Django still passes a plain `HttpRequest`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

type AnyUser = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    user: User


__all__ = ["AnyUser", "AuthenticatedHttpRequest", "User"]
