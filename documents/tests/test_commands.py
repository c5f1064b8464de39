"""export_pdf, verify_pdf and generate_dev_certificate from the command line."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from declarations.models import Declaration

from .helpers import issued_draft

pytestmark = pytest.mark.django_db


def test_export_then_verify(demo: Declaration, tmp_path: Path, capsys: Any) -> None:
    """export_pdf writes the sealed, registered file; verify_pdf says AUTHENTIC (exit 0)."""
    document = issued_draft(demo.versions.get())  # the same request: answered from the register
    out = tmp_path / "manifesto.pdf"
    call_command("export_pdf", demo.slug, "--version", "1", "--languages", "en", "--out", str(out))
    assert document.sha256 in capsys.readouterr().out
    call_command("verify_pdf", str(out))
    assert "AUTHENTIC" in capsys.readouterr().out


def test_verify_altered_file_exits_1(demo: Declaration, tmp_path: Path, capsys: Any) -> None:
    """A file with one byte changed is NOT AUTHENTIC and the exit code is 1."""
    document = issued_draft(demo.versions.get())
    with document.file.open("rb") as handle:
        data = bytearray(handle.read())
    data[len(data) // 2] ^= 0x01
    path = tmp_path / "altered.pdf"
    path.write_bytes(bytes(data))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(path))
    assert exit_info.value.code == 1
    assert "NOT AUTHENTIC" in capsys.readouterr().out


def test_export_refuses_unknown_things(demo: Declaration, tmp_path: Path) -> None:
    """Unknown slug, version or language: a clear error, no file."""
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="No declaration"):
        call_command("export_pdf", "nope", "--out", str(out))
    with pytest.raises(CommandError, match="no version 9"):
        call_command("export_pdf", demo.slug, "--version", "9", "--out", str(out))
    with pytest.raises(CommandError, match="no text in fr"):
        call_command("export_pdf", demo.slug, "--languages", "fr", "--out", str(out))
    assert not out.exists()


def test_generate_dev_certificate_is_idempotent(settings: Any, tmp_path: Path, capsys: Any) -> None:
    """Creates key (0600) and certificate where settings say, then leaves them alone."""
    settings.ACCORD_SEAL_KEY_FILE = str(tmp_path / "seal" / "key.pem")
    settings.ACCORD_SEAL_CERT_FILE = str(tmp_path / "seal" / "cert.pem")
    call_command("generate_dev_certificate")
    assert "Created" in capsys.readouterr().out
    key, cert = Path(settings.ACCORD_SEAL_KEY_FILE), Path(settings.ACCORD_SEAL_CERT_FILE)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and b"CERTIFICATE" in cert.read_bytes()
    before = (key.read_bytes(), cert.read_bytes())
    call_command("generate_dev_certificate")
    assert "already present" in capsys.readouterr().out
    assert (key.read_bytes(), cert.read_bytes()) == before
    cert.unlink()
    with pytest.raises(CommandError, match="Only one of"):
        call_command("generate_dev_certificate")
