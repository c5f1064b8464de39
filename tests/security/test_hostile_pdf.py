"""Hostile text in the sealed PDF: printed literally (never as markup), Korean intact, private reasons absent."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from declarations.models import ClauseText, Declaration, Section
from declarations.services import clause_text_update, section_update, version_publish
from documents.models import Kind
from documents.services import document_issue
from signing import services as signing_services
from signing.tests.signing_helpers import designate, open_signing, signing_party

from . import corpus
from .conftest import CLAUSE_KEY, clause, user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)"),
]

PRIVATE_REASON = "Confidential: cabinet split 7-5 <b>do not publish</b>"


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout  # noqa: S603
    # The engine glues Korean syllables with WORD JOINER so words never split; lines wrap anywhere.
    return re.sub(r"\s+", " ", text.decode("utf-8").replace("\u2060", ""))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_submission_pdf_prints_hostile_text_literally(demo: Declaration, seal: Any, tmp_path: Path) -> None:
    """Clause text, heading, label, printed name and public decline reason print as literal text; private ones never."""
    secretariat = user("secretariat")
    target = ClauseText.objects.get(clause__key=CLAUSE_KEY, language="en")
    clause_text = f"{corpus.SCRIPT.text} {corpus.KOREAN_MIXED.text} {corpus.TEMPLATE_SYNTAX.text}"
    clause_text_update(
        clause=clause(demo), language="en", text=clause_text, base_revision=target.revision, by=secretariat
    )
    section = Section.objects.filter(declaration=demo).order_by("position").first()
    assert section is not None
    section_update(
        section=section,
        heading={"en": corpus.ATTRIBUTE_BREAKOUT.text, "ko": "머리말 <i>제목</i>"},
        base_revision=section.revision,
        by=secretariat,
    )
    version_publish(declaration=demo, label=f"Final {corpus.SCRIPT.text}", by=secretariat)
    # The English edit flagged the Korean: the secretariat's reason for going ahead is printed too.
    signing = open_signing(demo, ["gyeonggi", "catalonia", "kyoto"], stale_reason=corpus.TEMPLATE_SYNTAX.text + " 사유")
    designate(signing, "gyeonggi")
    name = "김민지 <b>Kim</b> Min-ji"
    signing_services.signatory_designate(
        signing_party=signing_party(signing, "gyeonggi"),
        user=user("gyeonggi.signatory"),
        printed_name=name,
        printed_title=corpus.ATTRIBUTE_BREAKOUT.text,
        capacity=corpus.TEMPLATE_SYNTAX.text,
        by=user("gyeonggi.focal"),
    )
    signing.refresh_from_db()
    from signing.images import clean_signature_image
    from signing.tests.signing_helpers import committed, png_bytes

    with committed():  # the image is stored once the signing commits
        signing_services.signature_sign(
            signing_party=signing_party(signing, "gyeonggi"),
            content_hash=signing.version.content_hash,
            typed_name=name,
            method="drawn",
            image=clean_signature_image(png_bytes()),
            idempotency_key=uuid.uuid4(),
            ip_address=None,
            user_agent="pytest",
            by=user("gyeonggi.signatory"),
        )
    for key, reason, public in (("catalonia", corpus.SCRIPT.text + " 거부", True), ("kyoto", PRIVATE_REASON, False)):
        signing_services.signature_decline(
            signing_party=signing_party(signing, key),
            content_hash=signing.version.content_hash,
            reason=reason,
            reason_public=public,
            idempotency_key=uuid.uuid4(),
            ip_address=None,
            user_agent="pytest",
            by=user(f"{key}.focal"),
        )
    signing_services.signing_close(signing=signing, by=secretariat)
    issued = document_issue(
        version=signing.version, kind=Kind.SUBMISSION, languages=["en", "ko"], layout="sequential", by=secretariat
    )
    text = _pdf_text(issued.file.read(), tmp_path)
    for expected in [
        corpus.SCRIPT.text,
        corpus.KOREAN_MIXED.text,
        corpus.TEMPLATE_SYNTAX.text,
        corpus.ATTRIBUTE_BREAKOUT.text,
        "머리말 <i>제목</i>",
        f"Final {corpus.SCRIPT.text}",
        name,
        corpus.SCRIPT.text + " 거부",
        corpus.TEMPLATE_SYNTAX.text + " 사유",
    ]:
        assert _flat(expected) in text, expected
    assert "&lt;" not in text and "&quot;" not in text, "double-escaped text in the PDF"
    assert "cabinet split" not in text, "a secretariat-only decline reason was printed"
