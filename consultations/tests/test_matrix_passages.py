"""The resolution matrix shows the passage a comment quotes, and whether it is still in the text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from consultations import services
from consultations.anchors import PassageAnchor
from consultations.imports import FileImportError
from consultations.matrix import matrix_csv, matrix_xlsx
from consultations.matrix_import import plan_matrix
from consultations.models import Comment, CommentRound
from declarations.models import Clause, ClauseText
from declarations.services import clause_text_update
from signatories.models import Party

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _anchor(clause: Clause, quote: str) -> PassageAnchor:
    current = ClauseText.objects.get(clause=clause, language="en")
    start = current.text.index(quote)
    return PassageAnchor(language="en", start=start, end=start + len(quote), quote=quote, revision=current.revision)


@pytest.fixture
def on_passages(
    rnd: CommentRound, draft: Callable[..., Comment], clause: Any, user: Any, party: Any
) -> dict[str, Comment]:
    """Gyeonggi's four comments on the vision: three on passages, one on the whole clause; then the
    secretariat rewrites one passage and deletes another."""
    vision = clause("vision")
    comments = {
        "kept": draft(clause=vision, anchor=_anchor(vision, "personhood"), text="Define personhood."),
        "edited": draft(clause=vision, anchor=_anchor(vision, "relational thinking"), text="Which relations?"),
        "deleted": draft(clause=vision, anchor=_anchor(vision, "mere technical solutions"), text="Not mere."),
        "whole": draft(clause=vision, text="The whole vision is good."),
    }
    services.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"), now=NOW)
    current = ClauseText.objects.get(clause=vision, language="en")
    text = current.text.replace("relational thinking", "relational and caring thinking")
    text = text.replace(" that transcends mere technical solutions", "")
    clause_text_update(clause=vision, language="en", text=text, base_revision=current.revision, by=user("secretariat"))
    for comment in comments.values():
        comment.refresh_from_db()
    return comments


EXPECTED = {
    "Define personhood.": "personhood",
    "Which relations?": "On the passage “relational thinking”, since changed to “relational and caring thinking”.",
    "Not mere.": "Detached: the passage “mere technical solutions” is no longer in the text.",
    "The whole vision is good.": None,
}


def test_xlsx_has_a_passage_column_before_the_comment(rnd: CommentRound, on_passages: dict[str, Comment]) -> None:
    """Column G quotes the passage; a changed or detached passage says so; a whole-clause comment has none."""
    sheet = load_workbook(io.BytesIO(matrix_xlsx(rnd))).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[5:8] == ["Language", "Passage", "Comment"]
    shown = {row[7]: row[6] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert shown == EXPECTED
    # The sheet's set-up follows the new column: filter over all twelve, the type list still on E.
    assert sheet.auto_filter.ref == "A1:L5"
    assert [str(v.sqref) for v in sheet.data_validations.dataValidation] == ["E2:E5"]


def test_csv_has_the_passage_column_too(rnd: CommentRound, on_passages: dict[str, Comment]) -> None:
    """The CSV has the same column, under the same header."""
    rows = list(csv.DictReader(io.StringIO(matrix_csv(rnd).decode("utf-8-sig"))))
    assert {row["Comment"]: row["Passage"] or None for row in rows} == EXPECTED


def test_korean_matrix_names_the_column_and_the_detached_passage_in_korean(
    rnd: CommentRound, on_passages: dict[str, Comment]
) -> None:
    """A Korean secretariat gets the column and the detached sentence in Korean; the quote stays as written."""
    with translation.override("ko"):
        sheet = load_workbook(io.BytesIO(matrix_xlsx(rnd))).active
    assert sheet is not None
    assert sheet["G1"].value == "대상 구절"
    cells = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "연결 끊김: 문안에서 더 이상 찾을 수 없는 구절입니다. 원래 구절: “mere technical solutions”" in cells


def test_the_passage_column_costs_two_queries_whatever_the_number_of_passages(
    rnd: CommentRound, on_passages: dict[str, Comment], django_assert_num_queries: Any
) -> None:
    """The comments, then the current clause texts and the texts their readers saw: once per export, not per row."""
    with django_assert_num_queries(3):
        matrix_xlsx(rnd)


def test_the_resolution_matrix_is_not_read_as_a_partys_matrix(
    rnd: CommentRound, on_passages: dict[str, Comment], party: Callable[[str], Party]
) -> None:
    """Uploaded by mistake, the secretariat's matrix (with its Passage column) is refused whole: its columns
    would otherwise be read shifted, the passage as the comment."""
    with pytest.raises(FileImportError, match="not a comment matrix downloaded from Accord"):
        plan_matrix(matrix_xlsx(rnd), round=rnd, party=party("gyeonggi"))
