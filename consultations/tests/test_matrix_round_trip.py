"""The comment matrix round trip: a party's empty matrix, filled offline, read back into drafts with per-row errors."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from consultations.imports import FileImportError, comments_import, mark_duplicates
from consultations.matrix import matrix_xlsx
from consultations.matrix_import import party_matrix_xlsx, plan_matrix
from consultations.models import Comment, CommentRound
from declarations.models import ClauseText, Declaration
from signatories.models import Party

from .conftest import NOW
from .word_annotation import replace_part

pytestmark = pytest.mark.django_db


def fill(data: bytes, rows: dict[str, dict[str, Any]], extra: list[list[Any]] = ()) -> bytes:  # type: ignore[assignment]
    """Fill the matrix as a reviewer would in Excel: by key, columns D–G; extra rows below with their own key."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet is not None
    by_key = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1)}
    for key, values in rows.items():
        for column, value in values.items():
            cell = sheet[f"{column}{by_key[key]}"]
            cell.value = value
            if isinstance(value, str) and value.startswith("'="):
                # Text typed with a leading apostrophe: Excel stores the text, not a formula.
                cell.value, cell.data_type, cell.quotePrefix = value[1:], "s", True
    first_free = next(row for row in range(2, sheet.max_row + 1) if not sheet.cell(row, 1).value)
    for offset, extra_values in enumerate(extra):
        for column, value in zip("ABCDEFG", extra_values, strict=False):
            sheet[f"{column}{first_free + offset}"] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_party_matrix_has_filter_print_setup_types_and_a_locked_key(
    rnd: CommentRound, party: Callable[[str], Party]
) -> None:
    """Autofilter, landscape with the header repeated and fitted to width, type list, keys locked, the rest open."""
    sheet = load_workbook(io.BytesIO(party_matrix_xlsx(rnd, party("gyeonggi"), language="en"))).active
    assert sheet is not None
    assert sheet.auto_filter.ref == f"A1:G{sheet.max_row}"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.protection.sheet
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations[f"E2:E{sheet.max_row}"] == '"general,technical,editorial"'
    assert sheet["A3"].value == "§ diagnosis" and sheet["A4"].value == "diagnosis" and sheet["B4"].value == 1
    assert sheet["A4"].protection.locked and not sheet["F4"].protection.locked
    assert not sheet[f"A{sheet.max_row}"].protection.locked  # the spare rows take any key


def test_secretariat_matrix_has_filter_print_setup_types_and_a_locked_number(
    submitted: Callable[..., Comment], rnd: CommentRound
) -> None:
    """The resolution matrix gets the same sheet set-up; its comment numbers are locked, dispositions editable."""
    submitted("gyeonggi")
    sheet = load_workbook(io.BytesIO(matrix_xlsx(rnd))).active
    assert sheet is not None
    assert sheet.auto_filter.ref == "A1:L2" and sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1" and sheet.protection.sheet
    assert sheet["A2"].protection.locked and not sheet["J2"].protection.locked
    assert [str(v.sqref) for v in sheet.data_validations.dataValidation] == ["E2"]


def test_filled_matrix_reads_back_with_per_row_errors_and_no_duplicates(
    demo: Declaration, rnd: CommentRound, user: Callable[[str], Any], party: Callable[[str], Party]
) -> None:
    """Rows become drafts; bad rows are listed; formulas are never evaluated; a second upload adds nothing."""
    gyeonggi = party("gyeonggi")
    vision = ClauseText.objects.get(clause__declaration=demo, clause__key="vision", language="en").text
    data = fill(
        party_matrix_xlsx(rnd, gyeonggi, language="en"),
        {
            "—": {"E": "general", "F": "A fine manifesto."},
            "§ diagnosis": {"E": "editorial", "F": "Shorten the heading."},
            "vision": {"E": "technical", "F": "Say 'requires'.", "G": vision.replace("necessitates", "requires")},
            "democracy": {"D": "ko", "E": "technical", "F": "'=1+1"},  # text that looks like a formula: kept as text
            "human-dignity": {"E": "urgent", "F": "A type that is not in the list."},
            "rule-of-law": {"F": "=SUM(1,2)"},  # a real formula: openpyxl writes no cached value, so nothing is read
        },
        extra=[["no-such-clause", None, "", "en", "general", "Unknown key."], ["—", None, "", "fr", "", "Bonjour"]],
    )
    plan = plan_matrix(data, round=rnd, party=gyeonggi, filename="m.xlsx")
    got = {(i.kind, i.clause_key, i.section_key, i.language, i.text, i.proposed_text) for i in plan.items}
    assert got == {
        ("general", None, None, "en", "A fine manifesto.", ""),
        ("editorial", None, "diagnosis", "en", "Shorten the heading.", ""),
        ("proposed_text", "vision", None, "en", "Say 'requires'.", vision.replace("necessitates", "requires")),
        ("substantive", "democracy", None, "ko", "=1+1", ""),
    }
    assert sorted((u.source, u.reason) for u in plan.unmatched) == sorted(
        [
            (
                f"Row {plan_row(data, 'A type that is not in the list.')}",
                "The type must be general, technical or editorial.",
            ),
            (f"Row {plan_row(data, 'no-such-clause')}", "“no-such-clause” is not a clause of the current draft."),
            (f"Row {plan_row(data, 'Bonjour')}", "“fr” is not a language of the declaration."),
        ]
    )
    comments_import(round=rnd, party=gyeonggi, plan=plan, by=user("gyeonggi.reviewer"), now=NOW)
    assert Comment.objects.filter(round=rnd, party=gyeonggi, status=Comment.Status.DRAFT).count() == 4
    again = mark_duplicates(plan_matrix(data, round=rnd, party=gyeonggi), round=rnd, party=gyeonggi)
    assert again.items == [] and again.duplicates == 4
    comments_import(round=rnd, party=gyeonggi, plan=again, by=user("gyeonggi.reviewer"), now=NOW)
    assert Comment.objects.filter(round=rnd, party=gyeonggi).count() == 4


def plan_row(data: bytes, value: str) -> int:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return next(cell.row for row in sheet.iter_rows() for cell in row if cell.value == value)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("who", "transform", "message"),
    [
        ("catalonia", None, "another party"),
        ("gyeonggi", lambda b: b.replace(b"accord-matrix:", b"accord-matrix:9"), "another declaration"),
        ("gyeonggi", lambda b: b.replace(b"accord-matrix:", b"other:"), "not a comment matrix downloaded from Accord"),
    ],
)
def test_a_matrix_of_another_party_or_declaration_is_refused(
    rnd: CommentRound, party: Callable[[str], Party], who: str, transform: Any, message: str
) -> None:
    """The workbook names its declaration and party; a matrix that is not this party's is refused whole."""
    data = fill(party_matrix_xlsx(rnd, party("gyeonggi"), language="en"), {"—": {"F": "Remark."}})
    if transform is not None:
        data = replace_part(data, "docProps/core.xml", transform)
    with pytest.raises(FileImportError, match=message):
        plan_matrix(data, round=rnd, party=party(who))


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        (lambda b: b"PK\x03\x04 broken", "not an Excel workbook"),
        ("macro", "macros"),
        ("doctype", "damaged"),
    ],
)
def test_damaged_macro_or_dtd_workbooks_are_refused(
    rnd: CommentRound, party: Callable[[str], Party], transform: Any, message: str
) -> None:
    """Not a workbook, a macro workbook, or XML with a DTD (entity tricks): a clear message, nothing read."""
    data = party_matrix_xlsx(rnd, party("gyeonggi"), language="en")
    if transform == "macro":
        data = replace_part(
            data, "[Content_Types].xml", lambda b: b.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
        )
    elif transform == "doctype":
        data = replace_part(
            data, "xl/workbook.xml", lambda b: b.replace(b"<workbook", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook', 1)
        )
    else:
        data = transform(data)
    with pytest.raises(FileImportError, match=message):
        plan_matrix(data, round=rnd, party=party("gyeonggi"))


def test_matrix_download_and_upload_views(demo: Declaration, rnd: CommentRound, user_client: Any, at_now: Any) -> None:
    """A reviewer downloads the party's matrix and uploads it filled; outsiders get 404, signatories 403."""
    client = user_client("gyeonggi.reviewer")
    response = client.get(f"/d/{demo.slug}/rounds/{rnd.number}/my-matrix.xlsx?lang=ko")
    assert response.status_code == 200
    assert "gyeonggi-matrix.xlsx" in response["Content-Disposition"]
    data = fill(response.content, {"vision": {"E": "editorial", "F": "쉼표가 빠졌습니다."}})
    response = client.post(f"/d/{demo.slug}/rounds/{rnd.number}/import/", {"file": SimpleUploadedFile("m.xlsx", data)})
    assert response.status_code == 200 and "쉼표가 빠졌습니다." in response.content.decode()
    client.post(f"/d/{demo.slug}/rounds/{rnd.number}/import/confirm/", {"token": response.context["token"]})
    assert list(Comment.objects.values_list("kind", "language", "clause__key")) == [("editorial", "ko", "vision")]
    assert user_client("outsider").get(f"/d/{demo.slug}/rounds/{rnd.number}/my-matrix.xlsx").status_code == 404
    assert (
        user_client("gyeonggi.signatory").get(f"/d/{demo.slug}/rounds/{rnd.number}/my-matrix.xlsx").status_code == 403
    )
