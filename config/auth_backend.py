"""Django's ModelBackend, with the user of every logged-in request read by a precompiled query.

Identical answers to `django.contrib.auth.backends.ModelBackend` (it is a subclass; only
`get_user` differs in how it builds the query): an inactive user is no user, a missing one neither.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from config.precompiled import PrecompiledQuery

_USER_BY_PK: PrecompiledQuery[Any] = PrecompiledQuery(
    get_user_model(), lambda: get_user_model()._default_manager.filter(pk=0)
)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> Any:
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        except ValidationError:
            return None
        users = _USER_BY_PK.fetch([pk])
        user = users[0] if users else None
        return user if user is not None and self.user_can_authenticate(user) else None
