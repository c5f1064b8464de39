"""The DETA manifesto and tiny documents for the redline specs (test_redline*.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from declarations.redline import DocumentDiff

MANIFESTO = Path("/work/shared/data/deta-trustworthy-ai-manifesto.json")


def load_manifesto() -> dict[str, Any]:
    for path in (MANIFESTO, Path(__file__).resolve().parents[1] / "data" / MANIFESTO.name):
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(MANIFESTO)


def manifesto_clause(predicate: Any) -> dict[str, Any]:
    doc = load_manifesto()
    return next(c for s in doc["sections"] for c in s["clauses"] if predicate(c))


def doc(*sections: tuple[str, list[str | tuple[str, str]]]) -> dict[str, Any]:
    """Tiny document: clause "k" gets text "text of k" unless given as (key, text)."""
    built = []
    for key, clauses in sections:
        items = []
        for clause in clauses:
            ckey, text = clause if isinstance(clause, tuple) else (clause, f"text of {clause}")
            items.append({"key": ckey, "text": {"en": text, "ko": f"{ckey} 조항"}})
        built.append({"key": key, "heading": {"en": key.title()}, "clauses": items})
    return {"title": {"en": "Doc"}, "languages": ["en", "ko"], "sections": built}


def statuses(diff: DocumentDiff) -> dict[str, str]:
    return {c.key: c.status for c in diff.clauses()}


def layout(diff: DocumentDiff) -> list[tuple[str, list[str]]]:
    return [(s.key, [c.key for c in s.clauses]) for s in diff.sections]
