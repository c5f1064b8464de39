"""Check a declaration's signing audit trail: exit 0 with OK, or non-zero saying what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.models import Declaration
from documents.verification import verify_pdf_bytes
from signing.audit import audit_verify
from signing.models import SigningEvent

EVENTS_FILE = "signature-events.json"


def anchor_problems(declaration: Declaration, pdf: bytes) -> tuple[int, list[str]]:
    """(entries the sealed PDF anchors, what the database no longer holds of them)."""
    result = verify_pdf_bytes(pdf)
    if not result.valid:
        return 0, [f"the PDF's seal does not verify: {'; '.join(result.problems)}"]
    raw = result.embedded_files.get(EVENTS_FILE)
    if raw is None:
        return 0, [f"the PDF carries no {EVENTS_FILE} (only submission PDFs anchor the audit trail)"]
    record = json.loads(raw)
    if record.get("declaration") != declaration.slug:
        return 0, [f"the PDF is the record of declaration '{record.get('declaration')}', not '{declaration.slug}'"]
    events = record.get("events", [])
    head = record.get("audit_head") or {
        "length": len(events),
        "entry_hash": events[-1]["entry_hash"] if events else "",
    }
    stored = {e.seq: e for e in SigningEvent.objects.filter(declaration=declaration, seq__lte=max(head["length"], 1))}
    problems = []
    for sealed in [*events, {"seq": head["length"], "entry_hash": head["entry_hash"]}]:
        if not sealed["entry_hash"]:
            continue
        event = stored.get(sealed["seq"])
        if event is None:
            problems.append(
                f"entry {sealed['seq']} ({sealed.get('kind', 'head')}), sealed in the PDF, is missing from the database"
            )
        elif sealed["entry_hash"] not in (event.entry_hash, event.legacy_hash):
            problems.append(
                f"entry {sealed['seq']} differs: the PDF sealed {sealed['entry_hash']}, "
                f"the database holds {event.entry_hash}"
            )
    return head["length"], list(dict.fromkeys(problems))


class Command(BaseCommand):
    help = (
        "Verify a declaration's signing audit trail: the keyed hash chain, every signature against the events, "
        "and with --against the chain head sealed in a submission PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--against", metavar="FILE.pdf", help="a sealed submission PDF whose audit entries must still be held"
        )

    def handle(self, *args: Any, slug: str, against: str | None = None, **options: Any) -> None:
        declaration = Declaration.objects.filter(slug=slug).first()
        if declaration is None:
            raise CommandError(f"No declaration '{slug}'.")
        problems: list[str] = []
        check = audit_verify(declaration)
        if check.broken_id is not None:
            problems.append(f"BROKEN at entry id {check.broken_id}: {check.problem}")
        problems += [f"CHANGED: {difference}" for difference in check.differences]
        anchored = 0
        if against:
            anchored, missing = anchor_problems(declaration, Path(against).read_bytes())
            problems += [f"NOT ANCHORED: {problem}" for problem in missing]
        if problems:
            raise CommandError("\n".join(problems))
        message = f"OK: {check.entries} entries, keyed hash chain intact, every signature matches the trail."
        if against:
            message += f" The {anchored} entries sealed in {Path(against).name} are all held."
        self.stdout.write(message)
