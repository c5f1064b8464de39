"""A declaration belongs to a secretariat: importing one names it, and its members own the declaration."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from declarations.demo import MANIFESTO_FILE
from declarations.models import Declaration
from declarations.permissions import EDIT, has_declaration_perm
from signatories.tests.people_factories import make_secretariat, make_user

# The premise is a fresh installation: no secretariat, or only the one a test makes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_demo")]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_import_declaration_belongs_to_the_only_secretariat_and_its_members_see_it() -> None:
    """The imported manifesto is visible and editable for the members (it was a 404 before issue 20)."""
    secretariat, member = make_secretariat()
    call_command("import_declaration", str(MANIFESTO_FILE), stdout=StringIO())
    declaration = Declaration.objects.get()
    assert declaration.secretariat == secretariat
    assert _client(member).get(reverse("declarations:detail", args=[declaration.slug])).status_code == 200
    assert has_declaration_perm(member, EDIT, declaration)
    # A member who joins later gets the same rights: they are granted to the secretariat's group.
    late = make_user("late")
    late.groups.add(secretariat.group)
    assert _client(late).get(reverse("declarations:detail", args=[declaration.slug])).status_code == 200
    assert (
        _client(make_user("stranger")).get(reverse("declarations:detail", args=[declaration.slug])).status_code == 404
    )


def test_import_without_any_secretariat_is_refused_and_imports_nothing() -> None:
    """With no secretariat, the import would be invisible to everyone: a clear error instead."""
    with pytest.raises(CommandError, match="create_secretariat"):
        call_command("import_declaration", str(MANIFESTO_FILE), stdout=StringIO())
    assert not Declaration.objects.exists()


def test_create_secretariat_command_and_choosing_one_of_several() -> None:
    """`create_secretariat NAME` creates it; with two, the import must name one."""
    call_command("create_secretariat", "First Alliance", stdout=StringIO())
    call_command("create_secretariat", "Second Alliance", stdout=StringIO())
    with pytest.raises(CommandError, match="several secretariats"):
        call_command("import_declaration", str(MANIFESTO_FILE), stdout=StringIO())
    call_command("import_declaration", str(MANIFESTO_FILE), "--secretariat", "Second Alliance", stdout=StringIO())
    secretariat = Declaration.objects.get().secretariat
    assert secretariat is not None and secretariat.name == "Second Alliance"
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_secretariat", "first alliance", stdout=StringIO())
