"""declarations.permissions reads guardian's grants with one plain query: it must agree with guardian."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.http import Http404
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from declarations.models import Declaration
from declarations.permissions import (
    EDIT,
    VIEW,
    declaration_ids_with,
    declaration_perms,
    declarations_for,
    get_declaration_for,
)

from .permission_world import ROLES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Any:
    return build_world()


def _fresh(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def test_every_role_gets_guardians_answer_on_both_declarations(world: Any) -> None:
    inactive = get_user_model().objects.create_user("gone", is_active=False)
    assign_perm("declarations.view_declaration", inactive, world.declaration)
    users = [AnonymousUser(), inactive, *(_fresh(name) for name in ROLES.values() if name)]
    seen: set[frozenset[str]] = set()
    for user in users:
        for declaration in (world.declaration, world.other):
            expected = (
                frozenset(ObjectPermissionChecker(user).get_perms(declaration)) if user.is_active else frozenset()
            )
            assert declaration_perms(user, declaration) == expected, (user, declaration.slug)
            seen.add(expected)
            # The loader reads the grants with the declaration: the same answer through that path.
            if user.is_authenticated:
                fresh = _fresh(user.username)
                if "view_declaration" in expected:
                    assert get_declaration_for(fresh, declaration.slug) == declaration
                    assert declaration_perms(fresh, declaration) == expected, ("loader", user, declaration.slug)
                else:
                    with pytest.raises(Http404):
                        get_declaration_for(fresh, declaration.slug)
        guardian_list = (
            set(
                get_objects_for_user(
                    user, "declarations.view_declaration", klass=Declaration, accept_global_perms=False
                )
            )
            if user.is_authenticated and user.is_active
            else set()
        )
        assert set(declarations_for(user)) == guardian_list, user
        # The home page's one query for both lists gives guardian's answer for each permission.
        both = declaration_ids_with(user, VIEW, EDIT)
        for perm in (VIEW, EDIT):
            expected_ids = (
                {d.pk for d in get_objects_for_user(user, perm, klass=Declaration, accept_global_perms=False)}
                if user.is_authenticated and user.is_active
                else set()
            )
            assert both[perm.split(".")[1]] == expected_ids, (user, perm)
    # The world really has different answers to compare (secretariat, party roles, superuser, nobody).
    assert len(seen) >= 4


def test_group_grants_count_and_grants_of_other_objects_do_not(world: Any) -> None:
    user = get_user_model().objects.create_user("through.group")
    group = Group.objects.create(name="delegation")
    user.groups.add(group)
    assign_perm("declarations.view_declaration", group, world.other)
    assert declaration_perms(_fresh("through.group"), world.other) == {"view_declaration"}
    assert declaration_perms(_fresh("through.group"), world.declaration) == frozenset()
    with pytest.raises(Http404):
        get_declaration_for(_fresh("through.group"), world.declaration.slug)
    assert get_declaration_for(_fresh("through.group"), world.other.slug) == world.other


def test_a_withdrawn_grant_counts_from_the_next_request(world: Any) -> None:
    user = _fresh("secretariat")
    assert EDIT.split(".")[1] in declaration_perms(user, world.declaration)
    remove_perm(EDIT, user, world.declaration)
    # The same request (the same user object) keeps its answer, like Django's own _perm_cache ...
    assert EDIT.split(".")[1] in declaration_perms(user, world.declaration)
    # ... the next request loads the user afresh and sees the withdrawal.
    assert EDIT.split(".")[1] not in declaration_perms(_fresh("secretariat"), world.declaration)


def test_unknown_and_foreign_slugs_are_404_for_everyone(world: Any) -> None:
    for name in ("outsider", "gyeonggi.focal", "secretariat"):
        with pytest.raises(Http404):
            get_declaration_for(_fresh(name), "no-such-declaration")
    with pytest.raises(Http404):
        get_declaration_for(AnonymousUser(), world.declaration.slug)
