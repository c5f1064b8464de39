"""The demo seed and the versions command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from declarations.demo import MANIFESTO_SLUG, seed_demo
from declarations.interchange import content_hash
from declarations.models import ClauseText, Declaration, DeclarationVersion
from signatories.models import Membership, Party

# The seed itself is under test: each test starts from a database without the demo.
pytestmark = pytest.mark.usefixtures("no_demo")


@pytest.mark.django_db
def test_seed_is_idempotent() -> None:
    """Running the seed twice leaves exactly what one run leaves."""
    seed_demo(create_users=True)
    counts = (
        Declaration.objects.count(),
        ClauseText.objects.count(),
        Party.objects.count(),
        Membership.objects.count(),
        get_user_model().objects.count(),
        DeclarationVersion.objects.count(),
    )
    seed_demo(create_users=True)
    assert counts == (
        Declaration.objects.count(),
        ClauseText.objects.count(),
        Party.objects.count(),
        Membership.objects.count(),
        get_user_model().objects.count(),
        DeclarationVersion.objects.count(),
    )
    assert counts[1] == 36  # 18 clauses in English and Korean


@pytest.mark.django_db
def test_seed_without_debug_creates_no_users(settings) -> None:  # type: ignore[no-untyped-def]
    """With DEBUG off, the command loads data but no user with a known password."""
    settings.DEBUG = False
    call_command("seed_demo", stdout=StringIO())
    assert Declaration.objects.filter(slug=MANIFESTO_SLUG).exists()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_publishes_version_one_with_the_hash_of_its_text() -> None:
    """Version 1 is 'Draft 28/08/2024' and its hash is the hash of its frozen snapshot."""
    declaration = seed_demo(create_users=False)
    version = declaration.versions.get()
    assert (version.number, version.label) == (1, "Draft 28/08/2024")
    assert version.content_hash == content_hash(version.snapshot)
    out = StringIO()
    call_command("declaration_versions", MANIFESTO_SLUG, stdout=out)
    assert out.getvalue().split("\t")[0] == "1"
    assert version.content_hash in out.getvalue()


@pytest.mark.django_db
def test_published_version_cannot_be_changed() -> None:
    """Saving a published version again is refused."""
    version = seed_demo(create_users=False).versions.get()
    version.label = "Tampered"
    with pytest.raises(ValueError, match="never change"):
        version.save()


@pytest.mark.django_db
def test_make_runs_demo_secretariat_can_start_a_declaration(settings, client) -> None:  # type: ignore[no-untyped-def]
    """`make run`'s seed (DEBUG on) makes the `secretariat` login a member of the DETA Secretariat, twice
    without harm: it opens the page that creates a declaration."""
    settings.DEBUG = True
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    user = get_user_model().objects.get(username="secretariat")
    assert user.groups.count() == 1
    client.force_login(user)
    assert client.get("/new/").status_code == 200
