"""The signed manifesto as a submission PDF: text, Korean typography, signatures, seal, archive."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings

from declarations.demo import seed_demo
from declarations.interchange import content_hash, parse
from documents.pdfa_check import pdfa3a_problems
from documents.rendering import WORD_JOINER
from documents.sealing import load_trust_roots
from documents.services import document_issue
from documents.verification import extract_embedded_files, verify_pdf_bytes

from .helpers import DECLINE_REASON, PRINTED, SIGNING_PARTIES, pdftotext, sign_manifesto, user

pytestmark = pytest.mark.django_db

# A4 in points, and the page margins of documents/pdf.css (26 mm top, 24 mm bottom, 22 mm sides).
PAGE_W, PAGE_H = 595, 842
TOP, BOTTOM, SIDE = 74, 68, 62.4
GAP = 19.8  # 7 mm column gap
COLUMN = (PAGE_W - 2 * SIDE - GAP) / 2


@dataclass
class Signed:
    pdf: bytes
    snapshot: dict[str, Any]
    content_hash: str
    printed_names: list[str]


@pytest.fixture(scope="module")
def signed(django_db_setup: Any, django_db_blocker: Any, seal_paths: Any, tmp_path_factory: Any) -> Signed:
    """The manifesto signed by 14 parties (3 drawn, 11 in person), declined by one, rendered once."""
    key, cert = (str(p) for p in seal_paths)
    with (
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ACCORD_SEAL_KEY_FILE=key,
            ACCORD_SEAL_CERT_FILE=cert,
            ACCORD_SEAL_PKCS12_FILE=None,
            SITE_URL="https://accord.example",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        name = str(connection.settings_dict["NAME"])
        # Module-scoped data is written outside pytest-django's per-test transaction: make sure
        # it is the test database (and it is rolled back below anyway).
        assert "memory" in name or name.startswith("test") or name == connection.settings_dict["TEST"]["NAME"]
        declaration = seed_demo(create_users=True)
        signing = sign_manifesto(declaration, others_in_person=11)
        document = document_issue(
            version=signing.version,
            kind="submission",
            languages=["en", "ko"],
            layout="side-by-side",
            by=user("secretariat"),
        )
        with document.file.open("rb") as handle:
            pdf = handle.read()
        names = [n for n, *_ in (PRINTED[k] for k in SIGNING_PARTIES)]
        names += [s["printed_name"] for s in document.summary["signatories"] if s["printed_name"] not in names]
        result = Signed(pdf, signing.version.snapshot, signing.version.content_hash, names)
        transaction.set_rollback(True)
    return result


def _column(signed: Signed, tmp_path: Path, left: bool) -> str:
    x = SIDE if left else SIDE + COLUMN + GAP
    crop = ["-x", f"{x - 2:.0f}", "-y", str(TOP), "-W", f"{COLUMN + 4:.0f}", "-H", str(PAGE_H - TOP - BOTTOM)]
    # -layout keeps physical line order: justified lines have gaps wide enough for pdftotext's
    # reading-order heuristics to reorder words otherwise (see documents/tests/test_engine.py).
    return pdftotext(signed.pdf, tmp_path, "-layout", "-r", "72", *crop)


def _expected_tokens(snapshot: dict[str, Any], language: str) -> list[str]:
    tokens: list[str] = []
    number = 0
    for section in snapshot["sections"]:
        tokens += section["heading"][language].split()
        for clause in section["clauses"]:
            number += 1
            tokens += [f"{number}.", *clause["text"][language].split()]
    return tokens


def test_fourteen_signatures_bilingual_is_under_one_megabyte(signed: Signed) -> None:
    """The bilingual manifesto with 14 signatures, fonts embedded and subset, stays under 1 MB."""
    assert len(signed.pdf) < 1_000_000, len(signed.pdf)


def test_text_and_every_signatory_name_are_extractable(signed: Signed, tmp_path: Path) -> None:
    """pdftotext finds the English and Korean title and every signatory's printed name."""
    text = " ".join(pdftotext(signed.pdf, tmp_path).split())
    assert signed.snapshot["title"]["en"] in text
    assert signed.snapshot["title"]["ko"] in text
    assert len(signed.printed_names) == 14
    for name in signed.printed_names:
        assert name in text
    assert WORD_JOINER not in text


@pytest.mark.parametrize("language", ["ko", "en"])
def test_each_column_reads_back_exactly_as_stored(signed: Signed, tmp_path: Path, language: str) -> None:
    """Korean words never break mid-word: each column's words, joined, are the stored clauses."""
    # A compound broken after its hyphen ("context-/specific") is one word again.
    column = re.sub(r"(?<=\w-)[ \t]*\n\s*", "", _column(signed, tmp_path, left=language == "en")).split()
    expected = _expected_tokens(signed.snapshot, language)
    # Every stored word is one extracted token (a word broken across lines would be two),
    # in order, with nothing between them but line breaks and spaces.
    assert " ".join(expected) in " ".join(column)
    if language == "ko":
        hangul = [t for t in expected if re.search("[\uac00-\ud7a3]", t)]
        assert len(hangul) > 500


def test_signature_pages_show_method_and_public_decline(signed: Signed, tmp_path: Path) -> None:
    """Drawn and in-person signatures are labelled as such; the public decline reason is listed apart."""
    text = " ".join(pdftotext(signed.pdf, tmp_path).split())
    assert "Signature drawn on screen" in text
    assert "Signed in person" in text
    assert "Parties that declined to sign" in text
    assert DECLINE_REASON in text
    assert "Certificate of completion" in text
    assert "https://accord.example/verify/" in text
    assert signed.content_hash in text


def test_seal_validates_and_pdfa_structure_holds(signed: Signed) -> None:
    """pyHanko validates the seal over the whole file, and the PDF/A-3b self-check finds nothing."""
    result = verify_pdf_bytes(signed.pdf, trust_roots=load_trust_roots())
    assert result.valid, result.problems
    assert pdfa3a_problems(signed.pdf) == []


def test_one_changed_byte_breaks_the_seal(signed: Signed) -> None:
    """Changing a single byte anywhere in the text makes validation fail."""
    tampered = bytearray(signed.pdf)
    tampered[len(tampered) // 2] ^= 0x01
    result = verify_pdf_bytes(bytes(tampered), trust_roots=load_trust_roots())
    assert not result.valid
    assert hashlib.sha256(tampered).hexdigest() != hashlib.sha256(signed.pdf).hexdigest()


def test_embedded_json_reimports_to_the_same_text(signed: Signed) -> None:
    """declaration.json parses as interchange JSON with the version's content hash; events list 14 signatures."""
    files = extract_embedded_files(signed.pdf)
    assert set(files) == {"declaration.json", "signature-events.json"}
    assert content_hash(parse(files["declaration.json"])) == signed.content_hash
    events = json.loads(files["signature-events.json"])
    assert events["content_hash"] == signed.content_hash
    assert len(events["signatures"]) == 14
    assert [d["reason"] for d in events["declines"]] == [DECLINE_REASON]
    assert {"signed", "declined", "recorded_offline", "closed"} <= {e["kind"] for e in events["events"]}
    assert "203.0.113.7" not in files["signature-events.json"].decode()
