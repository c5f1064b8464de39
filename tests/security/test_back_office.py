"""Issue 18, defect 1: the back office escalations of the demo's secretariat, each refused.

The demo once made `secretariat` staff in a "Secretariat back office" group with global rights on
users and memberships. Each test is one attack from the audit, made by that user and by staff
holding every global permission: the admin answers with its login page and nothing changes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from declarations.demo import MANIFESTO_FILE, seed_demo
from declarations.interchange import parse
from declarations.models import Declaration
from declarations.services import declaration_import
from signatories.models import Membership, Party

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "taken-over-account-42"


def _staff_with_every_permission() -> Any:
    user = get_user_model().objects.create_user("backoffice", "bo@example.org", "accord-demo", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture(params=["secretariat", "backoffice"])
def attacker(request: Any, demo: Declaration) -> tuple[Any, Client]:
    user = (
        get_user_model().objects.get(username="secretariat")
        if request.param == "secretariat"
        else _staff_with_every_permission()
    )
    client = Client()
    client.force_login(user)
    return user, client


def _refused(response: Any) -> None:
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(reverse("admin:login"))


def test_demo_secretariat_holds_no_global_permission(demo: Declaration) -> None:
    """The demo's secretariat is not staff, in no group with rights, with no global permission."""
    secretariat = get_user_model().objects.get(username="secretariat")
    assert not secretariat.is_staff and not secretariat.is_superuser
    assert secretariat.get_all_permissions() == set()
    assert not Group.objects.filter(name="Secretariat back office").exists()
    assert not Permission.objects.filter(group__user=secretariat).exists()


def test_cannot_read_another_declaration_in_the_admin(attacker: tuple[Any, Client]) -> None:
    """A declaration the secretariat was never granted, and its versions, are not listed or shown."""
    _user, client = attacker
    other = declaration_import(data=parse(MANIFESTO_FILE.read_bytes()), by=None, slug="not-yours")
    for url in (
        reverse("admin:declarations_declaration_change", args=[other.pk]),
        reverse("admin:declarations_declaration_changelist"),
        reverse("admin:declarations_declarationversion_changelist"),
    ):
        response = client.get(url)
        _refused(response)
        assert b"not-yours" not in response.content


def test_cannot_make_itself_a_partys_reviewer(attacker: tuple[Any, Client]) -> None:
    """Adding a membership in the admin is refused; the party's drafts stay out of reach."""
    user, client = attacker
    gyeonggi = Party.objects.get(key="gyeonggi")
    response = client.post(
        reverse("admin:signatories_membership_add"),
        {"user": user.pk, "party": gyeonggi.pk, "role": Membership.Role.REVIEWER},
    )
    _refused(response)
    assert not Membership.objects.filter(user=user, party=gyeonggi).exists()


def test_cannot_set_another_users_password(attacker: tuple[Any, Client]) -> None:
    """The admin's password form for another user is refused; the password is unchanged."""
    _user, client = attacker
    victim = get_user_model().objects.get(username="gyeonggi.signatory")
    response = client.post(
        reverse("admin:auth_user_password_change", args=[victim.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    _refused(response)
    victim.refresh_from_db()
    assert not victim.check_password(NEW_PASSWORD)
    assert not Client().login(username="gyeonggi.signatory", password=NEW_PASSWORD)


def test_cannot_tick_is_superuser_on_itself(attacker: tuple[Any, Client]) -> None:
    """The user change form is refused; the account stays without superuser or staff rights gained."""
    user, client = attacker
    response = client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": user.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    _refused(response)
    user.refresh_from_db()
    assert not user.is_superuser


def test_admin_login_refuses_staff_that_is_not_superuser(demo: Declaration) -> None:
    """A correct password of staff with every permission does not open an admin session."""
    _staff_with_every_permission()
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "backoffice", "password": "accord-demo"})
    assert response.status_code == 200
    assert "superuser" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_superuser_still_uses_the_admin(demo: Declaration) -> None:
    """An active superuser logs in to the admin and sees the user list; a deactivated one does not."""
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "accord-demo")
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "root", "password": "accord-demo"})
    assert response.status_code == 302
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    forced = Client()
    forced.force_login(admin)
    _refused(forced.get(reverse("admin:index")))


def test_migration_removes_the_old_back_office_group(db: Any) -> None:
    """A database that still has the demo's group loses it, and its members lose its rights."""
    migration = __import__("declarations.migrations.0004_no_back_office_group", fromlist=["remove_group"])
    seed_demo(create_users=True)
    secretariat = get_user_model().objects.get(username="secretariat")
    group = Group.objects.create(name="Secretariat back office")
    group.permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    secretariat.groups.add(group)
    migration.remove_group(django_apps, None)
    assert not Group.objects.filter(name="Secretariat back office").exists()
    assert get_user_model().objects.get(pk=secretariat.pk).get_all_permissions() == set()
