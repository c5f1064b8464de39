"""export_archive: one zip file whose manifest names and hashes every member."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from backups.archive import FORMAT, PARTS
from signing.models import Signature

from .builders import signed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    declaration = signed_demo()
    out = tmp_path / "backup" / "manifesto.zip"
    call_command("export_archive", declaration.slug, "--out", str(out), verbosity=0)
    return out


def test_the_manifest_names_and_hashes_every_member(archive: Path) -> None:
    """Format, created_at, Accord version, slug, and the SHA-256 and size of every other member."""
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist()) - {"manifest.json"}
        assert set(manifest["members"]) == names
        for name in names:
            data = zf.read(name)
            assert manifest["members"][name] == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert manifest["format"] == FORMAT
    assert manifest["accord_version"] == "0.1.0"
    assert manifest["declaration"] == "deta-trustworthy-ai-manifesto"
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["schema"]["declarations"].startswith("000")


def test_every_table_and_attachment_is_in_the_archive(archive: Path) -> None:
    """One JSON-lines member per table of the record; the signature image and the scan under files/."""
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for part in PARTS:
            lines = zf.read(f"records/{part.label}.jsonl").decode().splitlines()
            assert len(lines) == manifest["records"][part.label]
        files = {n.removeprefix("files/") for n in zf.namelist() if n.startswith("files/")}
    signatures = Signature.objects.all()
    assert files == {s.image.name for s in signatures if s.image} | {s.scan.name for s in signatures if s.scan}
    assert manifest["records"]["signing.signingevent"] == 4


def test_password_hashes_stay_out_unless_asked_for(archive: Path, tmp_path: Path) -> None:
    """By default user records carry names and e-mail but no password hash; the flag adds them."""
    with zipfile.ZipFile(archive) as zf:
        users = [json.loads(line) for line in zf.read("records/auth.user.jsonl").decode().splitlines()]
    assert users and all("password" not in u and u["email"] for u in users)
    with_hashes = tmp_path / "with-hashes.zip"
    call_command("export_archive", "deta-trustworthy-ai-manifesto", "--out", str(with_hashes), "--with-password-hashes")
    with zipfile.ZipFile(with_hashes) as zf:
        users = [json.loads(line) for line in zf.read("records/auth.user.jsonl").decode().splitlines()]
    assert all(u["password"].startswith("md5$") for u in users)


def test_an_unknown_slug_is_an_error(tmp_path: Path) -> None:
    """The command names the slug it did not find."""
    with pytest.raises(CommandError, match="No declaration 'nope'"):
        call_command("export_archive", "nope", "--out", str(tmp_path / "x.zip"))


def test_a_file_missing_from_storage_fails_the_export(tmp_path: Path) -> None:
    """A backup that silently lacks a signature image is refused; no archive file is left behind."""
    declaration = signed_demo()
    image = str(Signature.objects.exclude(image="").get().image.name)
    default_storage.delete(image)
    out = tmp_path / "backups" / "manifesto.zip"
    with pytest.raises(CommandError, match=image):
        call_command("export_archive", declaration.slug, "--out", str(out))
    assert list(out.parent.iterdir()) == []
