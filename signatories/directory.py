"""The party directory: reading a CSV or XLSX list of parties, checking each row, saving on confirmation.

`read_party_file` never writes: it returns every row with its errors for the preview. Only
`parties_import` writes, all rows in one transaction, and only when no row has an error.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pycountry
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from config.auth_types import User

from .models import Party
from .services import PartyError, party_upsert

MAX_ROWS = 20_000
MAX_FILE_BYTES = 10 * 1024 * 1024
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
NAME_COLUMN = re.compile(r"^name_([a-z]{2,3}(?:-[a-z0-9]{2,8})*)$", re.IGNORECASE)
REQUIRED = ("key", "kind")
OPTIONAL = ("short_name", "country", "note")


@dataclass
class Row:
    line: int
    data: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    exists: bool = False


@dataclass
class PartyFile:
    rows: list[Row]
    columns: list[str]

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_count


def _kinds() -> dict[str, str]:
    """Accepted spellings of each kind: the value, the English label, with - or _ for spaces."""
    out = {}
    for value, label in Party.Kind.choices:
        for spelling in (value, str(label), value.replace(" ", "_"), value.replace(" ", "-")):
            out[spelling.lower()] = value
    out["international organization"] = Party.Kind.INTERNATIONAL
    return out


def _decode(raw: bytes) -> str:
    # Excel writes "CSV UTF-8" with a byte-order mark and "Unicode text" as UTF-16 (tab-separated).
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PartyError(_("The file is not UTF-8 or UTF-16 text. Save it as “CSV UTF-8”.")) from None


def _csv_rows(raw: bytes) -> list[list[str]]:
    text = _decode(raw)
    if "\x00" in text:
        raise PartyError(_("The file contains NUL characters; it is not a CSV file."))
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(raw: bytes) -> list[list[str]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise PartyError(_("This is not an Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_party_file(*, name: str, size: int, read: Any) -> PartyFile:
    """Every row of a CSV/XLSX party list with its errors; nothing is written."""
    if size > MAX_FILE_BYTES:
        raise PartyError(_("The file is larger than %(n)s MB.") % {"n": MAX_FILE_BYTES // 1024 // 1024})
    lowered = name.lower()
    if not lowered.endswith((".csv", ".txt", ".xlsx")):
        raise PartyError(_("Upload a .csv or .xlsx file."))
    raw: bytes = read()
    table = _xlsx_rows(raw) if lowered.endswith(".xlsx") else _csv_rows(raw)
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise PartyError(_("The file is empty."))
    header = [cell.strip().lower() for cell in table[0]]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL and not NAME_COLUMN.match(c)]
    if unknown:
        raise PartyError(
            _("Unknown column(s): %(columns)s. Columns are key, name_<language> (e.g. name_en), kind, country.")
            % {"columns": ", ".join(unknown)}
        )
    missing = [c for c in REQUIRED if c not in header]
    if not any(NAME_COLUMN.match(c) for c in header):
        missing.append("name_en")
    if missing:
        raise PartyError(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    if len(set(header)) != len(header):
        raise PartyError(_("A column appears twice in the header."))
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise PartyError(_("At most %(n)s rows can be imported at once.") % {"n": f"{MAX_ROWS:,}"})
    kinds = _kinds()
    existing = set(Party.objects.values_list("key", flat=True))
    seen: dict[str, int] = {}
    rows = []
    for number, cells in enumerate(body, start=2):
        values = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(header)}
        row = Row(line=number, data={})
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            row.errors.append(_("more cells than columns"))
        key = values.get("key", "")
        if not KEY_RE.match(key):
            row.errors.append(_("key “%(key)s”: use lowercase letters, digits, - and _") % {"key": key[:70]})
        elif key in seen:
            row.errors.append(_("key “%(key)s” is also on line %(line)s") % {"key": key, "line": seen[key]})
        else:
            seen[key] = number
        names = {}
        for column, value in values.items():
            match = NAME_COLUMN.match(column)
            if match and value:
                names[match.group(1).lower()] = value
        if not names:
            row.errors.append(_("no name"))
        kind = kinds.get(values.get("kind", "").lower())
        if kind is None:
            row.errors.append(_("unknown kind “%(kind)s”") % {"kind": values.get("kind", "")[:60]})
        country = values.get("country", "").upper()
        if country and (len(country) != 2 or pycountry.countries.get(alpha_2=country) is None):
            row.errors.append(_("unknown country code “%(code)s”") % {"code": country[:10]})
        for column, value in [*values.items(), *names.items()]:
            if len(value) > 500 or any(ch in value for ch in "\x00\r\n"):
                row.errors.append(_("“%(column)s” is too long or has line breaks") % {"column": column})
                break
        first_name = names.get(settings.LANGUAGE_CODE) or next(iter(names.values()), "")
        row.data = {
            "key": key,
            "name": names,
            "short_name": (values.get("short_name") or first_name)[:100],
            "kind": kind or "",
            "country": country,
            "note": values.get("note", ""),
        }
        row.exists = key in existing
        rows.append(row)
    return PartyFile(rows=rows, columns=header)


def parties_import(*, rows: list[dict[str, Any]], by: User | None) -> tuple[int, int]:
    """Save checked rows: new parties in bulk, existing ones updated; (created, updated)."""
    with transaction.atomic():
        existing = set(
            Party.objects.select_for_update().filter(key__in=[r["key"] for r in rows]).values_list("key", flat=True)
        )
        new = [r for r in rows if r["key"] not in existing]
        for data in rows:
            if data["key"] in existing:
                party_upsert(data=data, by=by)
        groups = Group.objects.bulk_create([Group(name=f"party:{r['key']}") for r in new])
        if groups and groups[0].pk is None:  # backends that do not return ids
            by_name = {g.name: g for g in Group.objects.filter(name__in=[g.name for g in groups])}
            groups = [by_name[g.name] for g in groups]
        parties = [
            Party(
                key=r["key"],
                name=r["name"],
                short_name=r["short_name"],
                kind=r["kind"],
                country=r["country"],
                note=r.get("note", ""),
                group=group,
            )
            for r, group in zip(new, groups, strict=True)
        ]
        bulk_create_with_history(parties, Party, default_change_reason="Imported", default_user=by)
    return len(new), len(rows) - len(new)
