"""The XLSX matrix writes its body rows itself: it must read back exactly as openpyxl's own writer would store them.

The reference below is the straightforward openpyxl export (one Cell per value, its style set through openpyxl);
both workbooks are loaded with openpyxl and compared cell by cell: values, types, fonts, wrapping, quote prefixes,
widths, frozen header, sheet names. No database: the rows are given.
"""

from __future__ import annotations

import io
import zipfile
from copy import copy
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from consultations import matrix
from consultations.matrix import FORMULA_PREFIXES, MatrixRow, headers

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tindented",
    "\rcarriage",
    "=",
    "#N/A",
    " leading space",
    "trailing space ",
    "line\r\nbreaks\nand\ttabs",
    "<b>bold</b> & \"quotes\" 'single' ]]> end",
    "경기도 의견에 동의합니다",
    "تتعاون الدول لضمان أن تكون أنظمة الذكاء الاصطناعي آمنة",
    "各国应开展合作，确保人工智能系统安全可靠。",
    "👩‍👩‍👧 🇰🇷 e\u0301",
    "x" * 40_000,
    "",
]


def rows_with(values: list[str]) -> list[MatrixRow]:
    rows = []
    for number, value in enumerate(values, start=1):
        rows.append(
            MatrixRow(
                number=number,
                party=value,
                clause=f"c-{number}",
                paragraph=number * 3 if number % 2 else None,
                kind="General",
                language="en",
                passage=value[:20],
                comment=value,
                proposed="" if number % 3 else value,
                disposition="Accepted",
                reason=value[::-1],
                reflected=2 if number % 4 == 0 else None,
            )
        )
    rows.append(MatrixRow(None, "", "—", None, "", "", "", "", "", "", "", None))
    return rows


def reference_xlsx(title: str, rows: list[MatrixRow]) -> bytes:
    """The matrix through openpyxl's own writer (the implementation before the body was written directly)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row.cells())
    body_style = None
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if body_style is None:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                body_style = copy(cell._style)  # type: ignore[union-attr]
            else:
                cell._style = copy(body_style)  # type: ignore[union-attr]
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True
    for index, width in enumerate([6, 24, 22, 10, 14, 9, 40, 50, 50, 22, 40, 10], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fast_xlsx(monkeypatch: pytest.MonkeyPatch, rows: list[MatrixRow], number: int = 3) -> bytes:
    monkeypatch.setattr(matrix, "matrix_rows", lambda round: rows)
    return matrix.matrix_xlsx(SimpleNamespace(number=number))  # type: ignore[arg-type]


def read_back(data: bytes) -> list[Any]:
    workbook = load_workbook(io.BytesIO(data))
    seen: list[Any] = [workbook.sheetnames]
    for sheet in workbook.worksheets:
        seen.append((sheet.title, sheet.freeze_panes, sheet.dimensions, sheet.max_row, sheet.max_column))
        seen.append(sorted((key, dim.width, dim.customWidth) for key, dim in sheet.column_dimensions.items()))
        for row in sheet.iter_rows():
            for cell in row:
                seen.append(
                    (
                        cell.coordinate,
                        cell.value,
                        cell.data_type,
                        cell.font.b,
                        cell.alignment.wrap_text,
                        cell.alignment.vertical,
                        cell.quotePrefix,
                        cell.number_format,
                    )
                )
    return seen


def test_fast_xlsx_reads_back_exactly_like_openpyxls_own(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = rows_with(HOSTILE)
    assert read_back(fast_xlsx(monkeypatch, rows)) == read_back(reference_xlsx("Round 3", rows))


def test_fast_xlsx_of_an_empty_round_is_the_header_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_back(fast_xlsx(monkeypatch, [])) == read_back(reference_xlsx("Round 3", []))


def test_fast_xlsx_has_no_formula_and_quote_prefixes_what_would_run(monkeypatch: pytest.MonkeyPatch) -> None:
    data = fast_xlsx(monkeypatch, rows_with(HOSTILE))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                assert bool(cell.quotePrefix) == cell.value.startswith(FORMULA_PREFIXES), cell.coordinate
    assert sheet["H2"].value == "=1+1" and sheet["H19"].value == "x" * 32_767
    assert sheet["G2"].value == "=1+1" and sheet["G19"].value == "x" * 20  # the passage column


@pytest.mark.parametrize(("value", "error"), [("bell\x07", IllegalCharacterError), ("x\uffff", ValueError)])
def test_fast_xlsx_refuses_what_openpyxl_refuses(monkeypatch: pytest.MonkeyPatch, value: str, error: type) -> None:
    rows = rows_with([value])
    with pytest.raises(error):
        reference_xlsx("Round 3", rows)
    with pytest.raises(error):
        fast_xlsx(monkeypatch, rows)
