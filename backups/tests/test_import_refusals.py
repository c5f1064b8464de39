"""import_archive refuses damaged, altered or conflicting archives and then has written nothing."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from declarations.models import ClauseText, Declaration
from signatories.models import Party
from signing.models import Signature, SigningEvent

from .builders import media_files, rewrite, signed_demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive of the signed demo, after which the database and the media are emptied."""
    declaration = signed_demo()
    out = tmp_path / "manifesto.zip"
    call_command("export_archive", declaration.slug, "--out", str(out), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    return out


def _empty(media: Path) -> None:
    for path in media_files(media):
        (media / path).unlink()


def assert_nothing_written(media: Path) -> None:
    assert not Declaration.objects.exists()
    assert not get_user_model().objects.exists()
    assert not Party.objects.exists()
    assert not ClauseText.history.exists()  # type: ignore[attr-defined]
    assert not SigningEvent.objects.exists()
    assert media_files(media) == []


def _member(archive: Path, prefix: str) -> str:
    with zipfile.ZipFile(archive) as zf:
        return next(n for n in zf.namelist() if n.startswith(prefix))


def test_an_altered_file_is_refused_by_name(archive: Path, _own_media_root: Path) -> None:
    """One changed byte in a signature image: the import names the member and writes nothing."""
    _empty(_own_media_root)
    name = _member(archive, "files/signatures/")
    with zipfile.ZipFile(archive) as zf:
        data = bytearray(zf.read(name))
    data[-1] ^= 1
    rewrite(archive, {name: bytes(data)})
    with pytest.raises(CommandError, match=re.escape(f"Archive member '{name}' does not match its SHA-256")):
        call_command("import_archive", str(archive))
    assert_nothing_written(_own_media_root)


def test_an_altered_record_is_refused_by_name(archive: Path, _own_media_root: Path) -> None:
    """A changed clause text in the records is refused before anything is read for use."""
    _empty(_own_media_root)
    name = "records/declarations.clausetext.jsonl"
    with zipfile.ZipFile(archive) as zf:
        data = zf.read(name).replace(b"trustworthy", b"trustworth1", 1)
    rewrite(archive, {name: data})
    with pytest.raises(CommandError, match=re.escape(f"'{name}' does not match")):
        call_command("import_archive", str(archive))
    assert_nothing_written(_own_media_root)


def test_a_member_outside_the_manifest_is_refused(archive: Path, _own_media_root: Path) -> None:
    """A smuggled extra file is named and refused."""
    _empty(_own_media_root)
    rewrite(archive, {"files/extra.png": b"not listed"})
    with pytest.raises(CommandError, match=re.escape("'files/extra.png' is not listed in the manifest")):
        call_command("import_archive", str(archive))
    assert_nothing_written(_own_media_root)


def test_a_missing_member_is_refused(archive: Path, tmp_path: Path, _own_media_root: Path) -> None:
    """A member listed in the manifest but absent from the zip is named."""
    _empty(_own_media_root)
    name = _member(archive, "files/signing-scans/")
    with zipfile.ZipFile(archive) as zf:
        kept = {n: zf.read(n) for n in zf.namelist() if n != name}
    with zipfile.ZipFile(archive, "w") as zf:
        for n, data in kept.items():
            zf.writestr(n, data)
    with pytest.raises(CommandError, match=re.escape(f"'{name}' is listed in the manifest but missing")):
        call_command("import_archive", str(archive))
    assert_nothing_written(_own_media_root)


def test_a_forged_audit_entry_rolls_everything_back(archive: Path, _own_media_root: Path) -> None:
    """Records re-hashed in the manifest still fail the audit check; rows and files written so far are undone."""
    _empty(_own_media_root)
    name = "records/signing.signingevent.jsonl"
    with zipfile.ZipFile(archive) as zf:
        events = [json.loads(line) for line in zf.read(name).decode().splitlines()]
    events[-1]["party_key"] = "catalonia"
    data = ("\n".join(json.dumps(e) for e in events) + "\n").encode()
    rewrite(archive, {name: data}, manifest=True)
    with pytest.raises(CommandError, match=re.escape("audit trail does not verify")):
        call_command("import_archive", str(archive))
    assert_nothing_written(_own_media_root)


def test_users_with_other_ids_are_refused(archive: Path, _own_media_root: Path) -> None:
    """A same-named user with another id would break the audit chain (it hashes user ids): refused, rolled back."""
    _empty(_own_media_root)
    get_user_model().objects.create_user("gyeonggi.signatory", password="x" * 12)
    with pytest.raises(CommandError, match=re.escape("hashes the ids of the declaration and of the acting users")):
        call_command("import_archive", str(archive))
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["gyeonggi.signatory"]
    assert not Declaration.objects.exists() and media_files(_own_media_root) == []


def test_an_existing_slug_is_refused(tmp_path: Path) -> None:
    """Restoring over a declaration that is still there is refused, and it is left as it was."""
    declaration = signed_demo()
    out = tmp_path / "manifesto.zip"
    call_command("export_archive", declaration.slug, "--out", str(out), verbosity=0)
    before = (Signature.objects.count(), get_user_model().objects.count(), SigningEvent.objects.count())
    with pytest.raises(CommandError, match=re.escape("slug 'deta-trustworthy-ai-manifesto' already exists")):
        call_command("import_archive", str(out))
    assert (Signature.objects.count(), get_user_model().objects.count(), SigningEvent.objects.count()) == before


def test_not_an_archive(tmp_path: Path) -> None:
    """A file that is not a zip, or a zip without a manifest, is refused with a clear message."""
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"hello")
    with pytest.raises(CommandError, match=re.escape("as a zip archive")):
        call_command("import_archive", str(junk))
    with zipfile.ZipFile(junk, "w") as zf:
        zf.writestr("records/x.jsonl", "")
    with pytest.raises(CommandError, match=re.escape("no manifest.json")):
        call_command("import_archive", str(junk))


def test_password_hashes_come_back_when_exported_with_them(tmp_path: Path) -> None:
    """With --with-password-hashes the demo users log in with their old password after a restore."""
    declaration = signed_demo()
    out = tmp_path / "manifesto.zip"
    call_command("export_archive", declaration.slug, "--out", str(out), "--with-password-hashes", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_archive", str(out), verbosity=0)
    restored: Any = get_user_model().objects.get(username="gyeonggi.signatory")
    assert restored.check_password("accord-demo")


def test_rows_whose_ids_are_taken_are_refused(archive: Path, _own_media_root: Path) -> None:
    """Restoring needs the record's own ids: a database where one is taken by another declaration refuses it."""
    _empty(_own_media_root)
    with zipfile.ZipFile(archive) as zf:
        (row,) = [json.loads(line) for line in zf.read("records/declarations.declaration.jsonl").decode().splitlines()]
    Declaration.objects.create(pk=row["id"], slug="another", title={"en": "Another"}, languages=["en"])
    with pytest.raises(CommandError, match=re.escape(f"already has declarations.declaration id {row['id']}")):
        call_command("import_archive", str(archive))
    assert list(Declaration.objects.values_list("slug", flat=True)) == ["another"]
    assert not get_user_model().objects.exists() and media_files(_own_media_root) == []


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("records/declarations.declarationversion.jsonl", "label", "Draft\nBcc: all@example.org"),
        ("records/declarations.declaration.jsonl", "title", {"en": "Manifesto \u202eevil", "ko": "선언"}),
    ],
)
def test_a_value_that_is_not_one_line_is_refused(
    archive: Path, _own_media_root: Path, name: str, field: str, value: Any
) -> None:
    """Issue 18: a re-hashed archive whose label has a line break, or whose title has a direction control,
    is refused like a form would refuse it; nothing is written."""
    _empty(_own_media_root)
    with zipfile.ZipFile(archive) as zf:
        rows = [json.loads(line) for line in zf.read(name).decode().splitlines()]
    rows[0][field] = value
    rewrite(archive, {name: ("\n".join(json.dumps(r) for r in rows) + "\n").encode()}, manifest=True)
    with pytest.raises(CommandError, match=rf"\.{field} holds a value that is not one line of text"):
        call_command("import_archive", str(archive))
    assert_nothing_written(_own_media_root)
