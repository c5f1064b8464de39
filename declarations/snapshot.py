"""A version's frozen text as one typed value, built once from the stored JSON.

``DeclarationVersion.snapshot`` holds the interchange JSON (docs/interchange.md). Code that reads
a published text — the version page, redlines, comment matrices, the sign page, PDFs — reads it
through ``Snapshot`` instead of walking the JSON, and takes paragraph numbers from
``paragraphs``, the one numbering of clauses.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import DeclarationVersion


def paragraphs[T](sections: Iterable[Iterable[T]]) -> Iterator[tuple[int, T]]:
    """Each clause with its paragraph number: 1, 2, 3 … in reading order across sections, as UN documents print them."""
    return enumerate(itertools.chain.from_iterable(sections), start=1)


def _texts(value: Any) -> dict[str, str]:
    """A language map, tolerant of what a malformed file may hold (None is "", other values become text)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(lang): ("" if text is None else str(text)) for lang, text in value.items()}


@dataclass(frozen=True, slots=True)
class Clause:
    key: str
    number: int  # paragraph number (see ``paragraphs``)
    text: dict[str, str]  # language → text; a language may be missing


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    heading: dict[str, str]
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    title: dict[str, str]
    languages: tuple[str, ...]
    source_language: str
    sections: tuple[Section, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Snapshot:
        """The typed form of a stored snapshot (or of an interchange file's data).

        Stored snapshots were validated on import or built from the database; this still accepts
        missing or malformed parts (read as empty) so that a redline of any two files can be shown.
        """
        raw_sections = [s for s in data.get("sections") or [] if isinstance(s, Mapping)]
        clauses: list[list[Clause]] = [[] for _ in raw_sections]
        in_order = (
            [(i, c) for c in raw.get("clauses") or [] if isinstance(c, Mapping)] for i, raw in enumerate(raw_sections)
        )
        for number, (i, raw) in paragraphs(in_order):
            clauses[i].append(Clause(key=str(raw.get("key", "")), number=number, text=_texts(raw.get("text"))))
        sections = tuple(
            Section(key=str(raw.get("key", "")), heading=_texts(raw.get("heading")), clauses=tuple(own))
            for raw, own in zip(raw_sections, clauses, strict=True)
        )
        languages = tuple(str(lang) for lang in data.get("languages") or [])
        source = data.get("source_language")
        return cls(
            title=_texts(data.get("title")),
            languages=languages,
            source_language=str(source) if source else (languages[0] if languages else ""),
            sections=sections,
        )

    @classmethod
    def from_version(cls, version: DeclarationVersion) -> Snapshot:
        """The version's frozen text (its ``snapshot`` field must be loaded)."""
        return cls.from_json(version.snapshot)

    def clauses(self) -> Iterator[Clause]:
        """Every clause in reading order."""
        for section in self.sections:
            yield from section.clauses

    def clause(self, key: str) -> Clause | None:
        return next((clause for clause in self.clauses() if clause.key == key), None)

    def paragraph_numbers(self) -> dict[str, int]:
        """Clause key → paragraph number."""
        return {clause.key: clause.number for clause in self.clauses()}

    def content(self) -> dict[str, Any]:
        """The text as interchange JSON: title, languages, source language and sections (no workflow fields)."""
        return {
            "title": self.title,
            "languages": list(self.languages),
            "source_language": self.source_language,
            "sections": [
                {
                    "key": section.key,
                    "heading": section.heading,
                    "clauses": [{"key": clause.key, "text": clause.text} for clause in section.clauses],
                }
                for section in self.sections
            ],
        }
