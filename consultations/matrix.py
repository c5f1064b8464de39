"""The comment-resolution matrix of a round, as a UN or ISO secretariat keeps it: XLSX and CSV."""

from __future__ import annotations

import csv
import io
from copy import copy
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import Comment, CommentRound
from .selectors import clause_reference, paragraph_numbers, reflected_in

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
        _("Comment"),
        _("Proposed change"),
        _("Secretariat disposition"),
        _("Reason"),
        _("Reflected in version"),
    ]


def matrix_rows(round: CommentRound) -> list[MatrixRow]:
    """Every submitted or withdrawn comment of the round (never drafts), in number order."""
    # Only what the matrix prints (no authors, no replies), and every comment shares the round already
    # loaded: at 2,500 comments per round the full round_comments() read was a third of the export.
    comments = list(
        Comment.objects.filter(round=round)
        .exclude(status=Comment.Status.DRAFT)
        .select_related("party", "clause", "section", "applied_history")
        .order_by("number", "created_at", "id")
    )
    for c in comments:
        c.round = round
    paragraphs = paragraph_numbers(round.version)
    where = reflected_in(comments)
    # Labels translated once per export, not once per row (get_FOO_display cost ~0.4 s per 2,500 rows).
    kinds = {value: str(label) for value, label in Comment.Kind.choices}
    dispositions = {value: str(label) for value, label in Comment.Disposition.choices}
    withdrawn = _("Withdrawn by the party")
    rows = []
    for c in comments:
        if c.status == Comment.Status.WITHDRAWN:
            disposition, reason = withdrawn, c.withdrawal_reason
        else:
            disposition, reason = dispositions.get(c.disposition, ""), c.disposition_reason
        rows.append(
            MatrixRow(
                number=c.number,
                party=c.party.display_name("en"),
                clause=clause_reference(c),
                paragraph=paragraphs.get(c.clause.key) if c.clause_id else None,  # type: ignore[union-attr]
                kind=kinds.get(c.kind, c.kind),
                language=c.language,
                comment=c.text,
                proposed=c.proposed_text,
                disposition=disposition,
                reason=reason,
                reflected=where.get(c.pk),
            )
        )
    return rows


def matrix_xlsx(round: CommentRound) -> bytes:
    """The matrix as an Excel workbook; text cells are stored as text, never as formulas."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Round {round.number}"
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in matrix_rows(round):
        sheet.append(row.cells())
    body_style = None
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            # Every body cell has the same style: set it once through openpyxl's style registry, then copy
            # the resulting style array (setting `alignment` per cell cost ~2.5 s per 2,500 comments).
            if body_style is None:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                body_style = copy(cell._style)  # type: ignore[union-attr]  # private StyleArray, not in the stubs
            else:
                cell._style = copy(body_style)  # type: ignore[union-attr]  # private StyleArray, not in the stubs
            if isinstance(cell.value, str):
                # openpyxl stores a leading "=" as a formula: force text, and mark it the way Excel marks a
                # typed apostrophe (quotePrefix), so the cell shows the exact text and never calculates.
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True
    widths = [6, 24, 22, 10, 14, 9, 50, 50, 22, 40, 10]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def matrix_csv(round: CommentRound) -> bytes:
    """The matrix as UTF-8 CSV with a byte-order mark, so Excel opens Korean text intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in matrix_rows(round):
        writer.writerow(["" if v is None else neutralise(v) for v in row.cells()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
