"""The status board's rows, rendered once per signing state and served from the cache after that.

At UN scale (193 parties) the rows are most of the board's cost (docs/signing.md, "Status board
at scale"). What they show changes only through the signing services, and each of them appends
an audit entry in the same transaction as the change (docs/signing.md, "Audit trail"). The key is:

- the *signing stamp*, read in one query: the newest audit entry's hash (it covers every earlier
  entry and its own time to the microsecond, so it also differs between test databases that hand
  out the same ids again), the newest party history id (names and keys: every save of a party
  writes a history row) and the declaration's newest version id (which versions exist);
- the declaration and signing ids, whether signing is open, the order, the reading language, the
  interface language and time zone, and whether the viewer is the secretariat.

What the viewer may do is never shared between viewers: the cached rows are rendered for a viewer
with no party of their own (no actions, no scans, no private reasons unless secretariat), and the
rows of the viewer's own parties — member, focal point or designated signatory — are rendered again
on every request with the viewer's rights.

The stamp is read before the board, so an entry is never older than the stamp it is stored under.
Entries also expire after BOARD_TTL seconds (a party saved by two transactions that commit in the
opposite order of their history ids; new translations deployed to a shared cache).
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from declarations.models import DeclarationVersion

from ..models import Party
from .models import Signing, SigningEvent
from .selectors import BoardRow, signing_board

BOARD_TTL = 300
# Part of the key: bump when the cached rows or their row type change, so a shared cache never mixes them.
FORMAT = 1
ROWS_TEMPLATE = "signatories/signing/_board_rows.html"
GROUPS_TEMPLATE = "signatories/signing/_board_groups.html"
# Starts each rendered row; escaped values cannot contain "<", so it cannot occur inside a row.
ROW_MARK = mark_safe("<!--accord-board-row-->")


def signing_stamp(signing: Signing) -> str:
    """Changes with every change the board's rows show (one query, each part an index lookup)."""
    events = connection.ops.quote_name(SigningEvent._meta.db_table)
    parties = connection.ops.quote_name(Party.history.model._meta.db_table)  # type: ignore[attr-defined]
    versions = connection.ops.quote_name(DeclarationVersion._meta.db_table)
    # Table names come from the models, not from input; the declaration id is a parameter.
    sql = (
        f"SELECT (SELECT entry_hash FROM {events} WHERE declaration_id = %s ORDER BY seq DESC LIMIT 1), "  # noqa: S608
        f"(SELECT MAX(history_id) FROM {parties}), "
        f"(SELECT MAX(id) FROM {versions} WHERE declaration_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [signing.declaration_id, signing.declaration_id])
        row = cursor.fetchone()
    return ".".join(str(value or "") for value in row)


@dataclass
class BoardPage:
    """What the board page shows below its header: counts, rows and the "signatures by text" list."""

    rows: list[BoardRow]
    counts: dict[str, int]
    newer_version: bool
    rows_html: SafeString
    groups_html: SafeString


@dataclass
class _Entry:
    rows: list[BoardRow]
    counts: dict[str, int]
    newer_version: bool
    row_html: list[str]  # one per row, rendered for a viewer without a party of their own
    groups_html: str


@dataclass(frozen=True)
class Viewer:
    """What the current user may do on the board (never cached)."""

    secretariat: bool
    user_id: int | None
    party_ids: frozenset[int]  # parties the user is a member of (any role)
    focal_ids: frozenset[int]  # parties the user is a focal point of


def _render_rows(
    rows: list[BoardRow], *, signing: Signing, order: str, lang: str, secretariat: bool, mine: dict[str, set[int]]
) -> list[str]:
    html = render_to_string(
        ROWS_TEMPLATE,
        {
            "rows": rows,
            "mark": ROW_MARK,
            "signing": signing,
            "order": order,
            "lang": lang,
            "secretariat": secretariat,
            **mine,
        },
    )
    return html.split(ROW_MARK)[1:]


def board_page(signing: Signing, *, order: str, lang: str, viewer: Viewer) -> BoardPage:
    """The board's rows for `viewer`: shared rows from the cache, the viewer's own parties' rows fresh."""
    stamp = signing_stamp(signing)  # before the board: see the module docstring
    parts = (
        FORMAT,
        stamp,
        signing.declaration_id,
        signing.pk,
        signing.is_open,
        order,
        lang,
        get_language(),
        timezone.get_current_timezone_name(),
        viewer.secretariat,
    )
    key = "signatories:board:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    stored = cache.get(key)
    if stored is not None:
        # Our own bytes, written below into the same cache Django itself pickles into.
        entry: _Entry = pickle.loads(zlib.decompress(stored))  # noqa: S301
    else:
        board = signing_board(signing, order=order, language=lang)
        nobody: dict[str, set[int]] = {"my_party_ids": set(), "my_focal_ids": set(), "my_designations": set()}
        row_html = _render_rows(
            board.rows, signing=signing, order=order, lang=lang, secretariat=viewer.secretariat, mine=nobody
        )
        groups_html = render_to_string(GROUPS_TEMPLATE, {"groups": board.groups, "signing": signing})
        entry = _Entry(board.rows, board.counts, board.newer_version, row_html, groups_html)
        # Compressed: ~370 KB of repetitive rows and HTML become ~30 KB, and there is one entry per variant.
        cache.set(key, zlib.compress(pickle.dumps(entry, pickle.HIGHEST_PROTOCOL), 1), BOARD_TTL)
    designations = {r.party_id for r in entry.rows if viewer.user_id is not None and r.signatory_id == viewer.user_id}
    mine = {
        "my_party_ids": set(viewer.party_ids),
        "my_focal_ids": set(viewer.focal_ids),
        "my_designations": designations,
    }
    own = viewer.party_ids | viewer.focal_ids | designations
    row_html = list(entry.row_html)
    positions = [i for i, row in enumerate(entry.rows) if row.party_id in own]
    if positions:
        fresh = _render_rows(
            [entry.rows[i] for i in positions],
            signing=signing,
            order=order,
            lang=lang,
            secretariat=viewer.secretariat,
            mine=mine,
        )
        for i, html in zip(positions, fresh, strict=True):
            row_html[i] = html
    return BoardPage(
        rows=entry.rows,
        counts=entry.counts,
        newer_version=entry.newer_version,
        rows_html=mark_safe("".join(row_html)),  # noqa: S308 - our own rendered templates
        groups_html=mark_safe(entry.groups_html),  # noqa: S308 - our own rendered templates
    )
