"""The one way into a declaration: outsiders get 404, insiders without the right get 403.

Object permissions are django-guardian's (direct foreign-key tables, see models.py), granted to a
user or to their groups. Reading them is on every page, so it is one plain query here instead of
guardian's checker (whose generic queries cost ~5 ms of ORM compilation per page at UN scale; see
docs/performance.md). The answer is the same as `ObjectPermissionChecker(user).get_perms()`:
active superusers hold every permission, inactive users none, global (model-level) permissions
count for nothing. tests/test_permission_matrix.py checks every URL against every role, and
tests/test_permission_loader.py checks this function against guardian's own answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from config import auth_backend
from config.auth_types import AnyUser, User
from config.precompiled import PrecompiledPair, PrecompiledQuery

from .models import Declaration, DeclarationGroupObjectPermission, DeclarationUserObjectPermission

VIEW = "declarations.view_declaration"
EDIT = "declarations.edit_declaration"
COMMENT = "declarations.comment_declaration"
SIGN = "declarations.sign_declaration"

_MEMO = "_accord_declaration_perms"


def _codename(perm: str) -> str:
    return perm.split(".", 1)[1] if "." in perm else perm


def _grants_sql(*, one_declaration: bool) -> str:
    """Codenames (and declaration ids) granted to a user directly or through their groups."""
    quote = connection.ops.quote_name
    user_table = quote(DeclarationUserObjectPermission._meta.db_table)
    group_table = quote(DeclarationGroupObjectPermission._meta.db_table)
    perm_table = quote(Permission._meta.db_table)
    member_table = quote(User.groups.through._meta.db_table)
    where = " AND g.content_object_id = %s" if one_declaration else " AND p.codename = %s"
    # Table names come from the models, never from input; the values are bound parameters.
    return (
        f"SELECT p.codename, g.content_object_id FROM {user_table} g"  # noqa: S608
        f" JOIN {perm_table} p ON p.id = g.permission_id WHERE g.user_id = %s{where}"
        f" UNION SELECT p.codename, g.content_object_id FROM {group_table} g"
        f" JOIN {perm_table} p ON p.id = g.permission_id"
        f" JOIN {member_table} m ON m.group_id = g.group_id WHERE m.user_id = %s{where}"
    )


def _all_codenames() -> frozenset[str]:
    return frozenset(
        Permission.objects.filter(
            content_type__app_label="declarations", content_type__model="declaration"
        ).values_list("codename", flat=True)
    )


def declaration_perms(user: AnyUser, declaration: Declaration) -> frozenset[str]:
    """The codenames `user` holds on `declaration` (e.g. {"view_declaration", "edit_declaration"}).

    Remembered on the user object for its lifetime, as Django's ModelBackend does with `_perm_cache`:
    a request loads its user afresh, so a grant or withdrawal counts from the next request on.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    memo: dict[int, frozenset[str]] = user.__dict__.setdefault(_MEMO, {})
    if declaration.pk not in memo:
        if user.is_superuser:
            memo[declaration.pk] = _all_codenames()
        else:
            with connection.cursor() as cursor:
                cursor.execute(_grants_sql(one_declaration=True), [user.pk, declaration.pk, user.pk, declaration.pk])
                memo[declaration.pk] = frozenset(codename for codename, _ in cursor.fetchall())
    return memo[declaration.pk]


def declarations_for(user: AnyUser, perm: str = VIEW) -> QuerySet[Declaration]:
    """Declarations the user holds `perm` on, through their own or their party's grants."""
    if not user.is_authenticated or not user.is_active:
        return Declaration.objects.none()
    if user.is_superuser:
        return Declaration.objects.all()
    codename = _codename(perm)
    with connection.cursor() as cursor:
        cursor.execute(_grants_sql(one_declaration=False), [user.pk, codename, user.pk, codename])
        ids = {declaration_id for _, declaration_id in cursor.fetchall()}
    return Declaration.objects.filter(pk__in=ids)


def has_declaration_perm(user: AnyUser, perm: str, declaration: Declaration) -> bool:
    return _codename(perm) in declaration_perms(user, declaration)


def _with_grants(select: str, *, stamp: bool) -> str:
    # The ORM's own SELECT for filter(slug=...), with the user's grants on that declaration joined in
    # (the loader reads the declaration and the permissions in one query) and, for the pages cached
    # by it, the draft stamp (page_cache.stamp_columns_sql) as further columns.
    head, where = select.split(" WHERE ", 1)
    grants = _grants_sql(one_declaration=False).replace(" AND p.codename = %s", "").replace(" UNION ", " UNION ALL ")
    table = connection.ops.quote_name(Declaration._meta.db_table)
    pk = f"{table}.{connection.ops.quote_name('id')}"
    columns = ", grants.codename AS granted"
    if stamp:
        from .page_cache import stamp_columns_sql

        columns += ", " + stamp_columns_sql(pk)
    return (
        f"{head.replace(' FROM ', columns + ' FROM ', 1)}"
        f" LEFT JOIN ({grants}) grants ON grants.content_object_id = {pk}"
        f" WHERE {where}"
    )


_BY_SLUG = {
    stamp: PrecompiledQuery(
        Declaration,
        lambda: Declaration.objects.filter(slug="").order_by(),
        wrap=functools.partial(_with_grants, stamp=stamp),
    )
    for stamp in (False, True)
}


def _by_slug_params(user_pk: Any, slug: str) -> list[Any]:
    """_BY_SLUG's parameters in the order of its SQL: the grants' two user ids (the stamp columns
    take none), the slug."""
    return [user_pk, user_pk, slug]


# The declaration page reads the session's user and the declaration in one query (one round trip
# less on the busiest page; docs/performance.md).
_USER_AND_DECLARATION = {stamp: PrecompiledPair(auth_backend.USER_BY_PK, _BY_SLUG[stamp]) for stamp in (False, True)}


@dataclass
class _Prefetched:
    user_pk: Any
    slug: str
    stamp: bool
    rows: list[tuple[Declaration, tuple[Any, ...]]]


_prefetched: ContextVar[_Prefetched | None] = ContextVar("accord_prefetched_declaration", default=None)


type _View = Callable[..., HttpResponse]


def prefetch_declaration(*, stamp: bool = False) -> Callable[[_View], _View]:
    """Read the session's user and the URL's declaration in one query, for a view that loads it.

    Goes outside `login_required`. Authentication is not bypassed: the row only stands in for the
    user query Django would make (config.auth_backend.prefetched_user), and the declaration's rows
    are used by `get_declaration_for` only for an authenticated user with that same id, once. When
    the request's user was already read, or the session names no user of our backend, the view runs
    as it would without this decorator.
    """

    def decorate(view: _View) -> _View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            found = _prefetch(request, slug, stamp=stamp)
            if found is None:
                return view(request, slug, *args, **kwargs)
            user, prefetched = found
            token = _prefetched.set(prefetched)
            try:
                with auth_backend.prefetched_user(user):
                    return view(request, slug, *args, **kwargs)
            finally:
                _prefetched.reset(token)

        return wrapper

    return decorate


def _prefetch(request: HttpRequest, slug: str, *, stamp: bool) -> tuple[Any, _Prefetched] | None:
    if hasattr(request, "_cached_user"):  # AuthenticationMiddleware already read the user
        return None
    session = getattr(request, "session", None)
    if session is None or session.get(BACKEND_SESSION_KEY) != auth_backend.PATH:
        return None
    pk = auth_backend.user_pk(session.get(SESSION_KEY))
    if pk is None:
        return None
    rows = _USER_AND_DECLARATION[stamp].fetch([pk], _by_slug_params(pk, slug))
    if not rows:
        return None
    return rows[0][0], _Prefetched(pk, slug, stamp, [second for _, second in rows if second is not None])


def _declaration_rows(user: AnyUser, slug: str, *, stamp: bool) -> list[tuple[Declaration, tuple[Any, ...]]]:
    prefetched = _prefetched.get()
    if prefetched is not None and (prefetched.user_pk, prefetched.slug, prefetched.stamp) == (user.pk, slug, stamp):
        _prefetched.set(None)  # once: a second load in the same view reads the database again
        return prefetched.rows
    return _BY_SLUG[stamp].fetch_rows(_by_slug_params(user.pk, slug))


def _by_slug(user: AnyUser, slug: str, *, stamp: bool = False) -> Declaration | None:
    """The declaration with this slug, its permissions for `user` remembered as declaration_perms() does."""
    if not user.is_authenticated:
        return None
    rows = _declaration_rows(user, slug, stamp=stamp)
    if not rows:
        return None
    declaration, first = rows[0]
    if stamp:
        from .page_cache import remember_stamp

        remember_stamp(declaration, first[1:])
    if user.is_active and not user.is_superuser:
        memo: dict[int, frozenset[str]] = user.__dict__.setdefault(_MEMO, {})
        memo[declaration.pk] = frozenset(extra[0] for _, extra in rows if extra[0])
    return declaration


def get_declaration_for(user: AnyUser, slug: str, perm: str | None = None, *, stamp: bool = False) -> Declaration:
    """Load a declaration the user may see; 404 when they may not, 403 when they lack `perm`.

    `stamp=True` reads the draft stamp (page_cache.draft_stamp) in the same query.
    """
    declaration = _by_slug(user, slug, stamp=stamp)
    if declaration is None or not has_declaration_perm(user, VIEW, declaration):
        raise Http404("No such declaration.")
    if perm and not has_declaration_perm(user, perm, declaration):
        raise PermissionDenied
    return declaration


def is_secretariat(user: AnyUser, declaration: Declaration) -> bool:
    return has_declaration_perm(user, EDIT, declaration)
