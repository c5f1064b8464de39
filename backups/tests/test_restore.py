"""Export a declaration's full record, lose the database and the media, restore, compare."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from declarations.models import Declaration
from declarations.services import version_publish
from signing.tests.signing_helpers import user

from .builders import build_full_record, fingerprint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restored(tmp_path: Path, settings) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    """(before, after): the record's fingerprint before export and after flush + restore."""
    declaration = build_full_record()
    before = fingerprint(declaration.slug)
    archive = tmp_path / "manifesto.zip"
    call_command("export_archive", declaration.slug, "--out", str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Declaration.objects.exists() and not get_user_model().objects.exists()
    call_command("import_archive", str(archive), verbosity=0)
    return before, fingerprint(declaration.slug)


def test_restore_gives_back_every_row_and_file(restored) -> None:  # type: ignore[no-untyped-def]
    """Every row of every table in the record, and every file's bytes, are as they were."""
    before, after = restored
    assert before["rows"].keys() == after["rows"].keys()
    for label in before["rows"]:
        assert after["rows"][label] == before["rows"][label], label
    assert after["files"] == before["files"]
    assert len(before["files"]) >= 5  # three signature images, a paper scan, the issued PDF


def test_text_versions_and_hashes_survive(restored) -> None:  # type: ignore[no-untyped-def]
    """The interchange export of the draft and of every version, and every content hash, are identical."""
    before, after = restored
    assert after["draft"] == before["draft"]
    assert after["versions"] == before["versions"]
    assert [v[0] for v in after["versions"]] == [1, 2, 3, 4]
    assert all(v[3] == v[4] for v in after["versions"])


def test_drafting_history_survives(restored) -> None:  # type: ignore[no-untyped-def]
    """History row counts and change reasons are identical for every tracked table."""
    before, after = restored
    assert after["history"] == before["history"]
    assert after["history"]["declarations.historicalclausetext"]["Tighter wording"] == 1


def test_comments_and_dispositions_survive(restored) -> None:  # type: ignore[no-untyped-def]
    """Comments, dispositions, reasons and the link from an applied proposal to its history row survive."""
    before, after = restored
    assert after["comments"] == before["comments"]
    assert {c[3] for c in after["comments"]} == {"noted", "accepted"}
    assert any(c[6] is not None for c in after["comments"])


def test_signatures_survive(restored) -> None:  # type: ignore[no-untyped-def]
    """Signatures, their states and their image bytes are identical; the audit chain verifies."""
    before, after = restored
    assert after["signatures"] == before["signatures"]
    assert {s[1] for s in after["signatures"]} == {"signed", "superseded"}
    assert {s[2] for s in after["signatures"]} == {"drawn", "paper", "declined"}
    call_command("verify_audit", "deta-trustworthy-ai-manifesto", verbosity=0)


def test_people_roles_and_permissions_survive(restored) -> None:  # type: ignore[no-untyped-def]
    """Parties, their groups, memberships, users (without passwords) and object permissions are back."""
    before, after = restored
    for key in ["parties", "memberships", "party_groups", "users", "user_perms", "group_perms"]:
        assert after[key] == before[key], key
    assert not get_user_model().objects.get(username="secretariat").has_usable_password()
    assert not get_user_model().objects.filter(username="outsider").exists()


def test_the_restored_database_keeps_working(restored) -> None:  # type: ignore[no-untyped-def]
    """New rows after a restore get fresh ids: the sequences moved past the restored ones."""
    before, _after = restored
    declaration = Declaration.objects.get(slug="deta-trustworthy-ai-manifesto")
    version = version_publish(declaration=declaration, label="After restore", by=user("secretariat"))
    assert version.number == 5
    assert version.pk > max(row["id"] for row in before["rows"]["declarations.declarationversion"])
