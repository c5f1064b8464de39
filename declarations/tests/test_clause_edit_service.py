"""clause_text_update: revisions, history, conflicts, drift and refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from declarations.models import Clause, ClauseText, Declaration
from declarations.services import (
    DeclarationError,
    EditConflict,
    clause_text_update,
    clause_translation_confirm,
    declaration_set_status,
)

pytestmark = pytest.mark.django_db

FIXED_EN = "campaigns to enhance"


@pytest.fixture
def secretariat(demo: Declaration) -> Any:
    return get_user_model().objects.get(username="secretariat")


@pytest.fixture
def clause(demo: Declaration) -> Clause:
    return Clause.objects.get(declaration=demo, key="recommendation-5")


def _text(clause: Clause, language: str) -> ClauseText:
    return ClauseText.objects.get(clause=clause, language=language)


def test_save_increments_revision_and_records_who_and_why(clause: Clause, secretariat: Any) -> None:
    """A save bumps the revision, sets updated_by and writes a history row with the reason."""
    en = _text(clause, "en")
    new = en.text.replace("campaignsto", "campaigns to")
    saved = clause_text_update(
        clause=clause, language="en", text=new, base_revision=en.revision, by=secretariat, reason="Typo"
    )
    assert saved.revision == en.revision + 1
    assert saved.updated_by == secretariat
    assert FIXED_EN in _text(clause, "en").text
    last = saved.history.first()
    assert last.history_change_reason == "Typo"
    assert last.history_user == secretariat
    assert last.revision == saved.revision


def test_unchanged_text_is_a_no_op(clause: Clause, secretariat: Any) -> None:
    """Saving the same text writes no revision, no history and flags nothing."""
    en = _text(clause, "en")
    before = en.history.count()
    saved = clause_text_update(clause=clause, language="en", text=en.text + "\r\n", base_revision=1, by=secretariat)
    assert saved.revision == 1
    assert en.history.count() == before
    assert not _text(clause, "ko").needs_review


def test_stale_revision_raises_conflict_with_current_text(clause: Clause, secretariat: Any) -> None:
    """Saving over a newer revision raises EditConflict carrying the current text and the base."""
    clause_text_update(clause=clause, language="en", text="First edit.", base_revision=1, by=secretariat)
    with pytest.raises(EditConflict) as caught:
        clause_text_update(clause=clause, language="en", text="Second edit.", base_revision=1, by=secretariat)
    assert caught.value.current.text == "First edit."
    assert caught.value.current.revision == 2
    assert caught.value.base_revision == 1
    assert isinstance(caught.value, DeclarationError)
    assert _text(clause, "en").text == "First edit."


def test_english_change_flags_korean_for_review(clause: Clause, secretariat: Any) -> None:
    """Changing only the English flags the Korean 'translation needs update', not the English."""
    clause_text_update(clause=clause, language="en", text="Changed.", base_revision=1, by=secretariat)
    assert _text(clause, "ko").needs_review
    assert not _text(clause, "en").needs_review


def test_updating_flagged_translation_clears_it_without_flagging_back(clause: Clause, secretariat: Any) -> None:
    """Fixing the flagged Korean clears its flag and does not flag the English in turn."""
    clause_text_update(clause=clause, language="en", text="Changed.", base_revision=1, by=secretariat)
    clause_text_update(clause=clause, language="ko", text="변경됨.", base_revision=1, by=secretariat)
    assert not _text(clause, "ko").needs_review
    assert not _text(clause, "en").needs_review


def test_confirm_translation_clears_flag(clause: Clause, secretariat: Any) -> None:
    """Confirming a flagged translation clears the flag, keeps the text and records the reason."""
    clause_text_update(clause=clause, language="en", text="Changed.", base_revision=1, by=secretariat)
    ko = clause_translation_confirm(clause=clause, language="ko", by=secretariat)
    assert not ko.needs_review
    assert ko.revision == 1
    assert ko.history.first().history_change_reason == "Translation confirmed"


@pytest.mark.parametrize(
    ("language", "text", "message"),
    [
        ("fr", "Bonjour.", "not a language"),
        ("en", "bad\x00text", "NUL"),
        ("en", "x" * 100_001, "at most"),
        ("en", "   ", "source language cannot be empty"),
    ],
)
def test_bad_input_is_refused(clause: Clause, secretariat: Any, language: str, text: str, message: str) -> None:
    """Unknown language, NUL characters, over-long text and empty source text are refused."""
    with pytest.raises(DeclarationError, match=message):
        clause_text_update(clause=clause, language=language, text=text, base_revision=1, by=secretariat)


def test_empty_translation_is_allowed(clause: Clause, secretariat: Any) -> None:
    """A translation (not the source language) may be emptied."""
    saved = clause_text_update(clause=clause, language="ko", text="", base_revision=1, by=secretariat)
    assert saved.text == ""


def test_signed_declaration_cannot_be_edited(demo: Declaration, clause: Clause, secretariat: Any) -> None:
    """A signed or withdrawn declaration refuses edits."""
    declaration_set_status(declaration=demo, status=Declaration.Status.WITHDRAWN, by=secretariat)
    with pytest.raises(
        DeclarationError, match="withdrawn: its text, its versions and its comment rounds can no longer change"
    ):
        clause_text_update(clause=clause, language="en", text="Changed.", base_revision=1, by=secretariat)


def test_deleted_clause_cannot_be_edited(clause: Clause, secretariat: Any) -> None:
    """A soft-deleted clause must be restored before its text can change."""
    from declarations.services import clause_delete

    clause_delete(clause=clause, by=secretariat)
    with pytest.raises(DeclarationError, match="deleted"):
        clause_text_update(clause=clause, language="en", text="Changed.", base_revision=1, by=secretariat)
