"""The one way into a declaration: outsiders get 404, insiders without the right get 403.

Object permissions are django-guardian's (direct foreign-key tables, see models.py), granted to a
user or to their groups, read here as guardian's `ObjectPermissionChecker` reads them: active
superusers hold every permission, inactive users none, global (model-level) permissions count for
nothing. The loader reads the declaration with the user's own grants and their groups' on it in
one query (two aggregated subqueries; elsewhere one UNION query; the checker asks twice), once per
declaration and request: the answer is kept on the user object, as Django's ModelBackend keeps
`_perm_cache`, so a grant or withdrawal counts from the next request on.
tests/test_permission_matrix.py checks every URL against every role.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, Value
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from config.auth_types import AnyUser

from .models import Declaration, DeclarationGroupObjectPermission, DeclarationUserObjectPermission

VIEW = "declarations.view_declaration"
EDIT = "declarations.edit_declaration"
COMMENT = "declarations.comment_declaration"
SIGN = "declarations.sign_declaration"

_PERMS = "_accord_declaration_perms"


def _codename(perm: str) -> str:
    return perm.split(".", 1)[1] if "." in perm else perm


def declaration_perms(user: AnyUser, declaration: Declaration) -> frozenset[str]:
    """The codenames `user` holds on `declaration` (e.g. {"view_declaration", "edit_declaration"})."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    known: dict[int, frozenset[str]] = user.__dict__.setdefault(_PERMS, {})
    if declaration.pk not in known:
        known[declaration.pk] = _read_perms(user.pk, user.is_superuser, declaration)
    return known[declaration.pk]


def _read_perms(user_id: int, is_superuser: bool, declaration: Declaration) -> frozenset[str]:
    if is_superuser:
        everything = Permission.objects.filter(content_type=ContentType.objects.get_for_model(Declaration))
        return frozenset(everything.values_list("codename", flat=True))
    own = DeclarationUserObjectPermission.objects.filter(user_id=user_id, content_object=declaration)
    groups = DeclarationGroupObjectPermission.objects.filter(group__user__id=user_id, content_object=declaration)
    codenames = own.values_list("permission__codename", flat=True).union(
        groups.values_list("permission__codename", flat=True)
    )
    return frozenset(codenames)


def declarations_for(user: AnyUser, perm: str = VIEW) -> QuerySet[Declaration]:
    """Declarations the user holds `perm` on, through their own or their party's grants."""
    if not user.is_authenticated or not user.is_active:
        return Declaration.objects.none()
    return get_objects_for_user(user, perm, klass=Declaration, accept_global_perms=False)


def declaration_ids_with(user: AnyUser, *perms: str) -> dict[str, frozenset[int]]:
    """For each of `perms`, the ids of the declarations `user` holds it on: `declarations_for()` for
    several permissions in one query (the home page asks which it may see and which it edits)."""
    codenames = [_codename(perm) for perm in perms]
    if not user.is_authenticated or not user.is_active:
        return dict.fromkeys(codenames, frozenset())
    if user.is_superuser:
        every = frozenset(Declaration.objects.values_list("pk", flat=True))
        return dict.fromkeys(codenames, every)
    own = DeclarationUserObjectPermission.objects.filter(user_id=user.pk, permission__codename__in=codenames)
    groups = DeclarationGroupObjectPermission.objects.filter(
        group__user__id=user.pk, permission__codename__in=codenames
    )
    pairs = own.values_list("content_object_id", "permission__codename").union(
        groups.values_list("content_object_id", "permission__codename")
    )
    held: dict[str, set[int]] = {codename: set() for codename in codenames}
    for pk, codename in pairs:
        held[codename].add(pk)
    return {codename: frozenset(ids) for codename, ids in held.items()}


def has_declaration_perm(user: AnyUser, perm: str, declaration: Declaration) -> bool:
    return _codename(perm) in declaration_perms(user, declaration)


def _with_grants(declarations: QuerySet[Declaration], user_id: int) -> QuerySet[Declaration]:
    """`declarations`, each with the codenames `user_id` holds on it through their own grants and their
    groups' (comma-separated): the loader reads a declaration and its permissions in one query."""

    def codenames(grants: QuerySet[Any]) -> Subquery:
        held = grants.filter(content_object=OuterRef("pk")).values("content_object")
        return Subquery(held.annotate(held=StringAgg("permission__codename", Value(","))).values("held"))

    own = DeclarationUserObjectPermission.objects.filter(user_id=user_id)
    groups = DeclarationGroupObjectPermission.objects.filter(group__user__id=user_id)
    return declarations.annotate(own_grants=codenames(own), group_grants=codenames(groups))


def get_declaration_for(user: AnyUser, slug: str, perm: str | None = None) -> Declaration:
    """Load a declaration the user may see; 404 when they may not, 403 when they lack `perm`."""
    declaration = None
    if user.is_authenticated and user.is_active and not user.is_superuser:
        declaration = _with_grants(Declaration.objects.filter(slug=slug), user.pk).first()
        if declaration is not None:
            held = f"{declaration.own_grants or ''},{declaration.group_grants or ''}"  # type: ignore[attr-defined]
            known: dict[int, frozenset[str]] = user.__dict__.setdefault(_PERMS, {})
            known[declaration.pk] = frozenset(codename for codename in held.split(",") if codename)
    elif user.is_authenticated:
        declaration = Declaration.objects.filter(slug=slug).first()
    if declaration is None or not has_declaration_perm(user, VIEW, declaration):
        raise Http404("No such declaration.")
    if perm and not has_declaration_perm(user, perm, declaration):
        raise PermissionDenied
    return declaration


def is_secretariat(user: AnyUser, declaration: Declaration) -> bool:
    return has_declaration_perm(user, EDIT, declaration)
