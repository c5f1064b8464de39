"""The comment-resolution matrix of a round, as a UN or ISO secretariat keeps it: XLSX and CSV.

A comment on a passage carries the words it quotes in the Passage column, before the comment: the quote
alone while the passage is in the current text, a sentence saying so when it was changed or is detached
(anchors.passages decides, as on the clause and comment pages).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from config.text import show_controls
from signatories.models import Party

from . import anchors
from .models import Comment, CommentRound
from .selectors import paragraph_numbers, reference, reflected_in_round

# Spreadsheets run a cell that starts with one of these as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix an apostrophe to text a spreadsheet would read as a formula; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class MatrixRow:
    number: int | None
    party: str
    clause: str
    paragraph: int | None
    kind: str
    language: str
    passage: str
    comment: str
    proposed: str
    disposition: str
    reason: str
    reflected: int | None

    def cells(self) -> list[object]:
        return [
            self.number,
            self.party,
            self.clause,
            self.paragraph,
            self.kind,
            self.language,
            self.passage,
            self.comment,
            self.proposed,
            self.disposition,
            self.reason,
            self.reflected,
        ]


def headers() -> list[str]:
    return [
        _("No."),
        _("Party"),
        _("Clause reference"),
        _("Paragraph"),
        _("Type"),
        _("Language"),
        _("Passage"),
        _("Comment"),
        _("Proposed change"),
        _("Secretariat disposition"),
        _("Reason"),
        _("Reflected in version"),
    ]


# What the matrix prints, read as plain tuples: model instances for 2,500 comments and their party, clause,
# section and clause edit (with their multilingual JSON) were most of the time of the read.
_COLUMNS = (
    "pk",
    "number",
    "status",
    "party_id",
    "party__name",
    "party__short_name",
    "clause__key",
    "section__key",
    "kind",
    "language",
    "text",
    "proposed_text",
    "withdrawal_reason",
    "disposition",
    "disposition_reason",
    "disposed_at",
    "applied_history_id",
    "applied_history__history_date",
    "clause_id",
    "anchor_language",
    "anchor_start",
    "anchor_end",
    "anchor_quote",
    "anchor_revision",
    "anchor_text_hash",
)


def _passage_cells(anchored: list[Comment]) -> dict[int, str]:
    """Comment id → what the Passage column says: the quote, or that the passage changed or is gone."""
    cells: dict[int, str] = {}
    for pk, passage in anchors.passages(anchored).items():
        if passage.detached:
            cells[pk] = _("Detached: the passage “%(quote)s” is no longer in the text.") % {"quote": passage.quote}
        elif passage.changed:
            cells[pk] = _("On the passage “%(quote)s”, since changed to “%(now)s”.") % {
                "quote": passage.quote,
                "now": passage.current,
            }
        else:
            cells[pk] = passage.quote
    return cells


def matrix_rows(round: CommentRound) -> list[MatrixRow]:
    """Every submitted or withdrawn comment of the round (never drafts), in number order."""
    comments = list(
        Comment.objects.filter(round=round)
        .exclude(status=Comment.Status.DRAFT)
        .order_by("number", "created_at", "id")
        .values_list(*_COLUMNS)
    )
    paragraphs = paragraph_numbers(round.version)
    # Labels translated once per export, not once per row (get_FOO_display cost ~0.4 s per 2,500 rows).
    kinds = {value: str(label) for value, label in Comment.Kind.choices}
    dispositions = {value: str(label) for value, label in Comment.Disposition.choices}
    withdrawn = _("Withdrawn by the party")
    # The models' own rules, evaluated once per distinct party and per (status, disposition).
    parties: dict[int, str] = {}
    reflecting: dict[tuple[str, str], bool] = {}
    since: list[tuple[int, datetime.datetime | None]] = []
    anchored: list[Comment] = []
    rows = []
    for (
        pk,
        number,
        status,
        party_id,
        party_name,
        party_short_name,
        clause_key,
        section_key,
        kind,
        language,
        text,
        proposed,
        withdrawal_reason,
        disposition,
        disposition_reason,
        disposed_at,
        applied_history_id,
        applied_at,
        clause_id,
        anchor_language,
        anchor_start,
        anchor_end,
        anchor_quote,
        anchor_revision,
        anchor_text_hash,
    ) in comments:
        if party_id not in parties:
            parties[party_id] = Party(name=party_name, short_name=party_short_name).display_name("en")
        if (status, disposition) not in reflecting:
            reflecting[status, disposition] = Comment(status=status, disposition=disposition).is_reflected
        if reflecting[status, disposition]:
            since.append((pk, applied_at if applied_history_id else disposed_at))
        if status == Comment.Status.WITHDRAWN:
            shown, reason = withdrawn, withdrawal_reason
        else:
            shown, reason = dispositions.get(disposition, ""), disposition_reason
        if anchor_start is not None:
            anchored.append(
                Comment(
                    pk=pk,
                    clause_id=clause_id,
                    anchor_language=anchor_language,
                    anchor_start=anchor_start,
                    anchor_end=anchor_end,
                    anchor_quote=anchor_quote,
                    anchor_revision=anchor_revision,
                    anchor_text_hash=anchor_text_hash,
                )
            )
        rows.append(
            MatrixRow(
                number=number,
                party=parties[party_id],
                clause=reference(clause_key, section_key),
                paragraph=paragraphs.get(clause_key) if clause_key is not None else None,
                kind=kinds.get(kind, kind),
                language=language,
                passage="",
                comment=text,
                proposed=proposed,
                disposition=shown,
                reason=reason,
                reflected=None,
            )
        )
    if anchored:
        passages = _passage_cells(anchored)
        for row, (pk, *_rest) in zip(rows, comments, strict=True):
            row.passage = passages.get(pk, "")
    if since:
        where = reflected_in_round(round, since)
        for row, (pk, *_rest) in zip(rows, comments, strict=True):
            row.reflected = where.get(pk)
    return rows


# The body of the sheet is written as XML directly: through openpyxl every cell cost ~20 µs (a Cell object, its
# style, an lxml element), 2 s for the 110,000 cells of 10,000 comments. The workbook around it (header, widths,
# frozen header, styles) is still openpyxl's; the rows are written the way openpyxl writes them (inline strings,
# numbers, the style index of the cell) and read back identically (consultations/tests/test_matrix_xlsx.py).
_SHEET = "xl/worksheets/sheet1.xml"
_WIDTHS = [6, 24, 22, 10, 14, 9, 40, 50, 50, 22, 40, 10]
_LETTERS = [get_column_letter(index) for index in range(1, len(_WIDTHS) + 1)]
# openpyxl refuses these (IllegalCharacterError) and lxml these (ValueError): the export fails as it always did.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _cell_text(value: str) -> tuple[str, bool]:
    """The text as openpyxl stores it (cut at 32,767 characters, checked), XML-escaped, and whether it is a formula.

    Direction controls are shown as markers (issue 18): Excel would reorder the text around them.
    """
    value = show_controls(value)[:32767]
    if ILLEGAL_CHARACTERS_RE.search(value):
        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    if _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{escaped}</t>", value.startswith(FORMULA_PREFIXES)


def _sheet_rows(rows: list[MatrixRow], body: int, quoted: Callable[[], int], key: int | None = None) -> str:
    """``<row>`` elements for the body, from row 2; ``quoted()`` gives the style index of quote-prefixed text.

    ``key`` is the style of column A (the comment number, locked while the rest of the body is editable).
    """
    parts: list[str] = []
    append = parts.append
    plain = body
    for index, row in enumerate(rows, start=2):
        append(f'<row r="{index}">')
        for letter, value in zip(_LETTERS, row.cells(), strict=True):
            body = key if key is not None and letter == "A" else plain
            if value is None:
                append(f'<c r="{letter}{index}" s="{body}" t="n"/>')
            elif isinstance(value, str):
                if not value:
                    append(f'<c r="{letter}{index}" s="{body}" t="inlineStr"/>')
                    continue
                text, formula = _cell_text(value)
                # openpyxl would store a leading "=" as a formula: force text, and mark it the way Excel marks a
                # typed apostrophe (quotePrefix), so the cell shows the exact text and never calculates.
                style = quoted() if formula else body
                append(f'<c r="{letter}{index}" s="{style}" t="inlineStr"><is>{text}</is></c>')
            elif type(value) is int:
                append(f'<c r="{letter}{index}" s="{body}" t="n"><v>{value}</v></c>')
            else:
                raise TypeError(f"unexpected matrix value {value!r}")
        append("</row>")
    return "".join(parts)


def matrix_xlsx(round: CommentRound) -> bytes:
    """The matrix as an Excel workbook; text cells are stored as text, never as formulas."""
    rows = matrix_rows(round)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Round {round.number}"
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip(_LETTERS, _WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    _finish_sheet(sheet, last_row=len(rows) + 1)
    body_xml = ""
    if rows:
        # Styles are numbered in the order cells first use them: the header's, the body's, then quote-prefixed text.
        sheet["A1"].style_id  # noqa: B018  # registers the header's style first
        style = StyleArray()
        style.alignmentId = workbook._alignments.add(Alignment(wrap_text=True, vertical="top"))  # type: ignore[attr-defined]
        # The sheet is protected: the comment number (the key the secretariat's record refers to) stays locked,
        # the rest of the body is editable (dispositions and reasons are typed offline).
        key_style = copy(style)
        key_style.protectionId = workbook._protections.add(Protection(locked=True))  # type: ignore[attr-defined]
        style.protectionId = workbook._protections.add(Protection(locked=False))  # type: ignore[attr-defined]
        quoted_style = copy(style)
        quoted_style.quotePrefix = 1
        styles = workbook._cell_styles  # type: ignore[attr-defined]  # openpyxl's private style table
        body = styles.add(style)
        body_xml = _sheet_rows(rows, body, lambda: styles.add(quoted_style), styles.add(key_style))
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not rows:
        return buffer.getvalue()
    return _with_body(buffer.getvalue(), body_xml, last_row=len(rows) + 1)


def _finish_sheet(sheet: Any, *, last_row: int) -> None:
    """Autofilter, print setup (landscape, header row on every page, one page wide), type list, protection."""
    last = _LETTERS[-1]
    sheet.auto_filter.ref = f"A1:{last}{last_row}"
    print_setup(sheet)
    types = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for _value, label in Comment.Kind.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
    )
    types.error = _("Choose a type from the list.")
    sheet.add_data_validation(types)
    types.add(f"E2:E{max(last_row, 2)}")
    protect(sheet)


def print_setup(sheet: Any) -> None:
    """Landscape, the header row repeated on every page, fitted to one page wide."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"


def protect(sheet: Any) -> None:
    """Protect the sheet's locked cells (no password: it guards against slips, not people) but allow filtering."""
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False
    sheet.protection.sort = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _with_body(xlsx: bytes, body_xml: str, *, last_row: int) -> bytes:
    """The saved workbook with the body rows after the header row of its sheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == _SHEET:
                dimension = f'<dimension ref="A1:{_LETTERS[-1]}1"/>'.encode()
                assert data.count(dimension) == 1 and data.count(b"</sheetData>") == 1, "unexpected openpyxl sheet"
                data = data.replace(dimension, f'<dimension ref="A1:{_LETTERS[-1]}{last_row}"/>'.encode())
                data = data.replace(b"</sheetData>", body_xml.encode() + b"</sheetData>")
            target.writestr(info, data)
    return out.getvalue()


def matrix_csv(round: CommentRound) -> bytes:
    """The matrix as UTF-8 CSV with a byte-order mark, so Excel opens Korean text intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in matrix_rows(round):
        writer.writerow(["" if v is None else neutralise(v) for v in row.cells()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
