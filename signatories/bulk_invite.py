"""Many invitations from one CSV file: every row is checked first; all are sent, or none."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from config.auth_types import User

from .directory import _csv_rows
from .models import Membership, Party, Secretariat
from .people import PeopleError, invitation_create

MAX_INVITATIONS = 2_000


def invite_from_csv(*, raw: bytes, secretariat: Secretariat, by: User) -> tuple[int, list[str]]:
    """(number sent, errors "line N: …"); with any error nothing is sent."""
    table = [row for row in _csv_rows(raw) if any(cell.strip() for cell in row)]
    if not table:
        return 0, [_("The file is empty.")]
    header = [cell.strip().lower() for cell in table[0]]
    if "email" not in header:
        return 0, [_("The first line must name the columns: email, party, role, language.")]
    unknown = set(header) - {"email", "party", "role", "language"}
    if unknown:
        return 0, [_("Unknown column(s): %(columns)s.") % {"columns": ", ".join(sorted(unknown))}]
    if len(table) - 1 > MAX_INVITATIONS:
        return 0, [_("At most %(n)s invitations at once.") % {"n": MAX_INVITATIONS}]
    parties = {p.key: p for p in Party.objects.all()}
    languages = {code for code, _name in settings.LANGUAGES}
    errors: list[str] = []
    planned: list[dict[str, Any]] = []
    for line, cells in enumerate(table[1:], start=2):
        values = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(header)}
        key, role = values.get("party", ""), values.get("role", "").lower().replace(" ", "_")
        language = values.get("language", "").lower() or settings.LANGUAGE_CODE
        if language not in languages:
            errors.append(_("line %(line)s: unknown language “%(value)s”") % {"line": line, "value": language[:20]})
            continue
        if key:
            if key not in parties:
                errors.append(_("line %(line)s: no party with the key “%(key)s”") % {"line": line, "key": key[:70]})
                continue
            if role not in Membership.Role.values:
                errors.append(_("line %(line)s: unknown role “%(role)s”") % {"line": line, "role": role[:30]})
                continue
            planned.append({"email": values["email"], "party": parties[key], "role": role, "language": language})
        else:
            planned.append({"email": values["email"], "secretariat": secretariat, "language": language})
    if errors:
        return 0, errors
    try:
        with transaction.atomic():
            for n, invitation in enumerate(planned, start=2):
                try:
                    invitation_create(by=by, **invitation)
                except PeopleError as exc:
                    errors.append(_("line %(line)s: %(error)s") % {"line": n, "error": exc})
            if errors:
                raise PeopleError("\n".join(errors))
    except PeopleError:
        return 0, errors
    return len(planned), []
