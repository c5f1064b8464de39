"""The comment-resolution matrix: XLSX and CSV, formula injection neutralised, Korean intact."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from consultations import services
from consultations.matrix import matrix_csv, matrix_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments(submitted, user, clause):
    hostile = submitted(kind="editorial", clause=clause("democracy"), text="=1+1 fix the typo")
    korean = submitted("catalonia", language="ko", text="@경기도 의견에 동의합니다")
    services.comment_dispose(comment=hostile, disposition="accepted", reason="-Done", by=user("secretariat"))
    return hostile, korean


def test_xlsx_lists_comments_as_text_never_formulas(rnd, comments) -> None:
    """A cell starting with = is stored as text (quote-prefixed), and the values read back exactly."""
    sheet = openpyxl.load_workbook(io.BytesIO(matrix_xlsx(rnd))).active
    assert isinstance(sheet, Worksheet)
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["No.", "Party", "Clause reference", "Paragraph"]
    row = sheet[2]
    assert row[7].value == "=1+1 fix the typo" and row[7].data_type == "s" and row[7].quotePrefix
    assert row[1].value == "Gyeonggi Province"
    assert row[2].value == "democracy" and row[3].value == 4
    assert row[6].value is None  # on the whole clause: no passage
    assert row[10].value == "-Done"
    assert sheet[3][7].value == "@경기도 의견에 동의합니다"


def test_csv_prefixes_an_apostrophe_and_keeps_korean(rnd, comments) -> None:
    """CSV cells that a spreadsheet would run get a leading apostrophe; the file is UTF-8 with BOM."""
    data = matrix_csv(rnd)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][7] == "'=1+1 fix the typo"
    assert rows[1][10] == "'-Done"
    assert rows[2][7] == "'@경기도 의견에 동의합니다"


def test_drafts_never_reach_the_matrix(rnd, draft) -> None:
    """A party's drafts are not in the secretariat's matrix."""
    draft(text="secret draft")
    assert b"secret draft" not in matrix_csv(rnd)
