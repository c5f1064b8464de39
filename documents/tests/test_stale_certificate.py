"""The sealed submission PDF states that signing went ahead on translations flagged out of date, and why (issue 21)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from declarations.models import ClauseText, Declaration
from declarations.services import clause_text_update, version_publish
from documents.rendering import WORD_JOINER
from documents.services import document_issue

from .helpers import pdftotext, sign_manifesto, user

pytestmark = pytest.mark.django_db

REASON = "Korean corrections are typographical only."


def _flag_korean(declaration: Declaration) -> str:
    """Amend the English of the preamble's second clause: its Korean is flagged, then version 2 is published."""
    item = ClauseText.objects.filter(clause__declaration=declaration, language="en").order_by(
        "clause__section__position", "clause__position"
    )[1]
    clause_text_update(
        clause=item.clause,
        language="en",
        text=item.text + " Amended.",
        base_revision=item.revision,
        by=user("secretariat"),
    )
    version_publish(declaration=declaration, label="Final", by=user("secretariat"))
    return item.clause.key


def _text(document: Any, tmp_path: Path) -> str:
    with document.file.open("rb") as handle:
        text = pdftotext(handle.read(), tmp_path, "-raw")  # content order: a wrapped label stays out of the value
    return " ".join(text.replace(WORD_JOINER, "").split())


def test_the_certificate_states_the_confirmation_and_its_reason(demo: Declaration, tmp_path: Path) -> None:
    """English and Korean: the stale texts, who confirmed, the reason, and that all times are UTC."""
    _flag_korean(demo)
    signing = sign_manifesto(demo, stale_reason=REASON)
    document = document_issue(
        version=signing.version,
        kind="submission",
        languages=["en", "ko"],
        layout="side-by-side",
        by=user("secretariat"),
    )
    text = _text(document, tmp_path)
    assert "Translations out of date" in text
    assert "Signing went ahead although these translations were flagged out of date" in text
    assert "Korean: ¶2" in text
    assert "Confirmed by DETA Secretariat" in text
    assert REASON in text
    assert "All times are in UTC." in text
    assert "모든 시각은 UTC 기준입니다." in text


def test_a_signing_without_stale_translations_says_nothing_about_them(demo: Declaration, tmp_path: Path) -> None:
    """The line appears only when signing went ahead on out-of-date translations."""
    signing = sign_manifesto(demo)
    document = document_issue(
        version=signing.version, kind="submission", languages=["en"], layout="single", by=user("secretariat")
    )
    text = _text(document, tmp_path)
    assert "Translations out of date" not in text
    assert "All times are in UTC." in text
