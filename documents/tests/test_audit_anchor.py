"""The submission PDF anchors the signing audit chain: `verify_audit SLUG --against FILE.pdf`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from declarations.models import Declaration
from documents.services import document_issue
from documents.verification import extract_embedded_files
from signing.models import Signing, SigningEvent

from .helpers import sign_manifesto, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(demo: Declaration, tmp_path: Path) -> Path:
    signing = sign_manifesto(demo)
    document = document_issue(
        version=signing.version, kind="submission", languages=["en"], layout=None, by=user("secretariat")
    )
    path = tmp_path / "submission.pdf"
    with document.file.open("rb") as handle:
        path.write_bytes(handle.read())
    return path


def test_the_pdf_carries_the_chain_head(demo: Declaration, sealed: Path) -> None:
    """signature-events.json names the number of entries and the last entry's hash."""
    record = json.loads(extract_embedded_files(sealed.read_bytes())["signature-events.json"])
    last = SigningEvent.objects.filter(declaration=demo).order_by("-seq").first()
    assert last is not None and last.kind == "closed"
    assert record["audit_head"] == {"length": last.seq, "entry_hash": last.entry_hash}


def test_an_untouched_chain_holds_the_sealed_prefix(
    demo: Declaration, sealed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """verify_audit --against says OK and how many sealed entries it found."""
    call_command("verify_audit", demo.slug, "--against", str(sealed))
    count = SigningEvent.objects.filter(declaration=demo).count()
    assert f"The {count} entries sealed in submission.pdf are all held." in capsys.readouterr().out


def test_removing_the_tail_consistently_is_caught_by_the_anchor(demo: Declaration, sealed: Path) -> None:
    """The last entry deleted and the signing reopened in the table: only the sealed head shows it."""
    last = SigningEvent.objects.filter(declaration=demo).order_by("-seq").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SigningEvent._meta.db_table} WHERE id = %s", [last.pk])  # noqa: S608
    Signing.objects.filter(declaration=demo).update(status="open", closed_at=None, closed_by=None)
    call_command("verify_audit", demo.slug)  # the shorter chain is consistent on its own
    with pytest.raises(
        CommandError, match=f"NOT ANCHORED: entry {last.seq} \\(closed\\), sealed in the PDF, is missing"
    ):
        call_command("verify_audit", demo.slug, "--against", str(sealed))


def test_a_pdf_with_a_broken_seal_anchors_nothing(demo: Declaration, sealed: Path, tmp_path: Path) -> None:
    """A forged or altered PDF is refused before its record is read."""
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 0x01
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="the PDF's seal does not verify"):
        call_command("verify_audit", demo.slug, "--against", str(forged))
