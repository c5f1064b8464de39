"""Django's ModelBackend, with the user of every logged-in request read by a precompiled query.

Identical answers to `django.contrib.auth.backends.ModelBackend` (it is a subclass; only
`get_user` differs in how it builds the query): an inactive user is no user, a missing one neither.

A view may read the session's user together with what it loads anyway, in one query
(declarations.permissions.prefetch_declaration): inside `prefetched_user(user)`, `get_user` for that
user's id takes that row instead of querying again. Everything else Django does with it stays as
it is: `user_can_authenticate`, then `django.contrib.auth.get_user`'s session-hash check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from config.precompiled import PrecompiledQuery

PATH: Final = "config.auth_backend.ModelBackend"

USER_BY_PK: PrecompiledQuery[Any] = PrecompiledQuery(
    get_user_model(), lambda: get_user_model()._default_manager.filter(pk=0)
)

_prefetched: ContextVar[Any | None] = ContextVar("accord_prefetched_user", default=None)


def user_pk(user_id: Any) -> Any | None:
    """The session's user id as the primary key's type, or None when it is none."""
    try:
        return get_user_model()._meta.pk.to_python(user_id)  # type: ignore[union-attr]
    except ValidationError:
        return None


@contextmanager
def prefetched_user(user: Any) -> Iterator[None]:
    """While inside, the user row already read for this request answers `get_user(user.pk)`."""
    token = _prefetched.set(user)
    try:
        yield
    finally:
        _prefetched.reset(token)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> Any:
        pk = user_pk(user_id)
        if pk is None:
            return None
        ready = _prefetched.get()
        if ready is not None and ready.pk == pk:
            user = ready
        else:
            users = USER_BY_PK.fetch([pk])
            user = users[0] if users else None
        return user if user is not None and self.user_can_authenticate(user) else None
