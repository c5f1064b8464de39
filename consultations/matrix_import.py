"""A party's comment matrix: the empty workbook it fills offline, and reading it back into draft comments.

Columns: Key (locked: a clause key, ``§ section-key`` or ``—`` for the whole declaration), Paragraph and
Clause text (locked, for orientation), Language, Type (general / technical / editorial), Comment,
Proposed change. Values are read, formulas never evaluated (the value the spreadsheet stored, if any);
text starting with ``=`` stays text. The workbook names its declaration, round and party.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from signatories.models import Party

from .imports import FileImportError, ImportPlan, PlannedComment, Unmatched, check_text, live_texts
from .matrix import neutralise, print_setup, protect
from .models import Comment, CommentRound
from .selectors import paragraph_numbers

# The matrix's types, as ISO and UN comment templates name them, and the comment type each becomes.
TYPES = {
    "general": Comment.Kind.GENERAL,
    "technical": Comment.Kind.SUBSTANTIVE,
    "editorial": Comment.Kind.EDITORIAL,
}
WHOLE = "—"
EXTRA_ROWS = 50  # rows with an editable key, for a second comment on a clause or one on a section
MAX_ROWS = 5000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
EXCERPT = 200
_WIDTHS = {"A": 22, "B": 10, "C": 50, "D": 10, "E": 12, "F": 50, "G": 50}


def headers() -> list[str]:
    return [
        _("Key"),
        _("Paragraph"),
        _("Clause text"),
        _("Language"),
        _("Type"),
        _("Comment"),
        _("Proposed change"),
    ]


def identifier(round: CommentRound, party: Party) -> str:
    return f"accord-matrix:{round.declaration_id}:{round.declaration.slug}:{round.number}:{party.pk}"


def party_matrix_xlsx(round: CommentRound, party: Party, *, language: str) -> bytes:
    """An empty matrix for the party's comments on the round's version, one row per clause."""
    snapshot = round.version.snapshot
    numbers = paragraph_numbers(round.version)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Round {round.number}"[:31]
    workbook.properties.identifier = identifier(round, party)
    workbook.properties.title = f"{round.declaration.display_title()} — {party.display_name('en')}"[:255]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows: list[list[Any]] = [[WHOLE, None, _("The whole declaration")]]
    for section in snapshot.get("sections", []):
        rows.append([f"§ {section['key']}", None, section.get("heading", {}).get(language, "")])
        for clause in section.get("clauses", []):
            rows.append([clause["key"], numbers.get(clause["key"]), clause.get("text", {}).get(language, "")[:EXCERPT]])
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        sheet.append([neutralise(v) for v in values] + [language, "", "", ""])
    for _index in range(EXTRA_ROWS):
        sheet.append(["", None, "", language, "", "", ""])
    last = sheet.max_row
    for index, row in enumerate(sheet.iter_rows(min_row=2, max_row=last), start=2):
        for letter, cell in zip("ABCDEFG", row, strict=True):
            cell.alignment = wrap
            # The key of a prefilled row is locked: what the row is about cannot be retyped by mistake.
            if letter in "DEFG" or index > len(rows) + 1:
                cell.protection = unlocked
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for letter, width in _WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:G{last}"
    print_setup(sheet)
    types = DataValidation(type="list", formula1='"' + ",".join(TYPES) + '"', allow_blank=True, showErrorMessage=True)
    languages = DataValidation(
        type="list", formula1='"' + ",".join(round.declaration.languages) + '"', allow_blank=True, showErrorMessage=True
    )
    sheet.add_data_validation(types)
    sheet.add_data_validation(languages)
    types.add(f"E2:E{last}")
    languages.add(f"D2:D{last}")
    protect(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _check_package(data: bytes) -> None:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise FileImportError(_("This is not an Excel workbook (.xlsx).")) from None
    with package:
        infos = package.infolist()
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
            raise FileImportError(_("The workbook expands to more than 100 MB; it is not a comment matrix."))
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names:
            raise FileImportError(_("This is not an Excel workbook (.xlsx)."))
        content_types = package.read("[Content_Types].xml")
        if b"macroEnabled" in content_types or any("vbaProject" in name for name in names):
            raise FileImportError(
                _("Files with macros (.docm, .xlsm) are not accepted: save the file as .docx or .xlsx.")
            )
        if b"spreadsheetml.sheet.main+xml" not in content_types:
            raise FileImportError(_("This is not an Excel workbook (.xlsx)."))
        # No part of a workbook needs a DTD; refusing them keeps entity tricks away from the XML readers.
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in package.read(info)[:4096].upper():
                raise FileImportError(_("The workbook is damaged: it is not a readable comment matrix."))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def plan_matrix(data: bytes, *, round: CommentRound, party: Party, filename: str = "") -> ImportPlan:
    """Read a filled matrix into a plan of draft comments and proposals, with one error per bad row."""
    _check_package(data)
    try:
        # data_only: the value a spreadsheet stored for a formula, never the formula (Accord evaluates nothing).
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; the reader only needs to know it is damaged
        raise FileImportError(_("The workbook is damaged: it is not a readable comment matrix.")) from None
    try:
        parts = (workbook.properties.identifier or "").split(":")
        if len(parts) != 5 or parts[0] != "accord-matrix":
            raise FileImportError(_("This workbook is not a comment matrix downloaded from Accord for your party."))
        if parts[1] != str(round.declaration_id) or parts[2] != round.declaration.slug:
            raise FileImportError(
                _("This comment matrix is for another declaration (“%(slug)s”).") % {"slug": parts[2]}
            )
        if parts[4] != str(party.pk):
            raise FileImportError(_("This comment matrix was downloaded for another party."))
        plan = ImportPlan(kind="matrix", filename=filename)
        if parts[3] != str(round.number):
            plan.notice = _("This matrix was downloaded for comment round %(n)s; its rows are read for this round.") % {
                "n": parts[3]
            }
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=2, max_col=7, values_only=True)
        _read_rows(plan, rows, round=round)
    finally:
        workbook.close()
    return plan


def _read_rows(plan: ImportPlan, rows: Any, *, round: CommentRound) -> None:
    declaration = round.declaration
    live = live_texts(round)
    clause_keys = {key for key, _lang in live}
    section_keys = {s["key"] for s in round.version.snapshot.get("sections", [])}
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise FileImportError(_("The matrix has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
        key, _paragraph, _excerpt, language, kind, comment, proposed = (list(values) + [None] * 7)[:7]
        source = _("Row %(n)d") % {"n": number}
        comment = check_text(_text(comment), source)
        proposed = check_text(_text(proposed), source)
        if not comment and not proposed:
            continue
        key = _text(key).strip()
        language = _text(language).strip() or declaration.source_language
        kind_name = _text(kind).strip().lower() or "general"

        def error(reason: str, source: str = source, excerpt: str = comment or proposed) -> None:
            plan.unmatched.append(Unmatched(source=source, reason=reason, excerpt=excerpt[:EXCERPT]))

        if language not in declaration.languages:
            error(_("“%(language)s” is not a language of the declaration.") % {"language": language})
            continue
        if kind_name not in TYPES:
            error(_("The type must be general, technical or editorial."))
            continue
        item = PlannedComment(kind=TYPES[kind_name], language=language, text=comment, source=source)
        if key.startswith("§"):
            item.section_key = key.removeprefix("§").strip()
            if item.section_key not in section_keys:
                error(_("“%(key)s” is not a section of the version.") % {"key": key})
                continue
        elif key not in (WHOLE, ""):
            if key not in clause_keys:
                error(_("“%(key)s” is not a clause of the current draft.") % {"key": key})
                continue
            item.clause_key = key
        elif not key:
            error(_("The key is empty: give a clause key, “§ section” or “—”."))
            continue
        if proposed:
            if item.clause_key is None:
                error(_("A proposed change replaces one clause's text: give the clause key."))
                continue
            current = live.get((item.clause_key, language), "")
            if proposed == current:
                error(_("The proposed change is the same as the clause text."))
                continue
            item.kind, item.proposed_text, item.base_text = Comment.Kind.PROPOSED_TEXT, proposed, current
        plan.items.append(item)
