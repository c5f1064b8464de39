"""The one way into a declaration: outsiders get 404, insiders without the right get 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from config.auth_types import AnyUser

from .models import Declaration

VIEW = "declarations.view_declaration"
EDIT = "declarations.edit_declaration"
COMMENT = "declarations.comment_declaration"
SIGN = "declarations.sign_declaration"


def declarations_for(user: AnyUser, perm: str = VIEW) -> QuerySet[Declaration]:
    """Declarations the user holds `perm` on, through their own or their party's grants."""
    if not user.is_authenticated:
        return Declaration.objects.none()
    return get_objects_for_user(user, perm, klass=Declaration, accept_global_perms=False)


def get_declaration_for(user: AnyUser, slug: str, perm: str | None = None) -> Declaration:
    """Load a declaration the user may see; 404 when they may not, 403 when they lack `perm`."""
    try:
        declaration = declarations_for(user).get(slug=slug)
    except Declaration.DoesNotExist:
        raise Http404("No such declaration.") from None
    if perm and perm != VIEW and not user.has_perm(perm, declaration):
        raise PermissionDenied
    return declaration


def is_secretariat(user: AnyUser, declaration: Declaration) -> bool:
    return bool(user.is_authenticated and user.has_perm(EDIT, declaration))
