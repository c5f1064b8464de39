"""What a document redline returns: one language's view of two snapshots, for templates and exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from .render import diff_html, render_ops
from .text import Op, new_text, old_text


class ClauseSnapshot(TypedDict):
    key: str
    text: dict[str, str]


class SectionSnapshot(TypedDict):
    key: str
    heading: dict[str, str]
    clauses: list[ClauseSnapshot]


class DocumentSnapshot(TypedDict, total=False):
    """Plain-dict form of Accord's interchange JSON (extra keys are ignored)."""

    title: dict[str, str]
    languages: list[str]
    sections: list[SectionSnapshot]


ClauseStatus = Literal["unchanged", "changed", "added", "removed", "moved"]


@dataclass(slots=True)
class ClauseDiff:
    """One clause of the redline, matched by key across the whole document."""

    key: str
    # Single label for templates; precedence added > removed > moved > changed.
    # A moved clause may also be changed: check the flags.
    status: ClauseStatus
    added: bool
    removed: bool
    moved: bool  # matched, but its section or its order within the section changed
    changed: bool  # matched and its text differs in at least one language
    old_section: str | None  # section key in the old document (None if added)
    new_section: str | None  # section key in the new document (None if removed)
    old_index: int | None  # 0-based position among all clauses of the old document
    new_index: int | None  # 0-based position among all clauses of the new document
    ops: list[Op]  # redline of the text in the requested language
    # Matched clause: languages whose text differs (a missing text counts as "").
    # Added/removed clause: languages in which it has (had) any text.
    changed_languages: list[str]

    @property
    def number(self) -> int:
        """Paragraph number in the new document (the old one for a removed clause): an index is the clause's
        place in ``Snapshot.clauses()``, whose numbering is ``snapshot.paragraphs``."""
        index = self.new_index if self.new_index is not None else self.old_index
        return (index or 0) + 1

    @property
    def old_number(self) -> int | None:
        """Paragraph number in the old document (None for an added clause)."""
        return None if self.old_index is None else self.old_index + 1

    @property
    def changed_in_language(self) -> bool:
        """Whether the requested language's text differs."""
        return any(op.kind != "equal" for op in self.ops)

    @property
    def old_text(self) -> str:
        return old_text(self.ops)

    @property
    def new_text(self) -> str:
        return new_text(self.ops)

    @property
    def html(self) -> str:
        return diff_html(self.ops)

    @property
    def old_html(self) -> str:
        return render_ops(self.ops, show_delete=True, show_insert=False)

    @property
    def new_html(self) -> str:
        return render_ops(self.ops, show_delete=False, show_insert=True)


SectionStatus = Literal["unchanged", "changed", "added", "removed", "moved"]


@dataclass(slots=True)
class SectionDiff:
    """A section in new-document order; removed sections sit where they were."""

    key: str
    # Status of the section itself (heading/position), not of its clauses;
    # precedence added > removed > moved > changed.  See ``has_changes``.
    status: SectionStatus
    added: bool
    removed: bool
    moved: bool  # order changed relative to the other common sections
    heading_changed: bool  # heading differs in at least one language
    old_index: int | None
    new_index: int | None
    heading_ops: list[Op]  # redline of the heading in the requested language
    heading_changed_languages: list[str]
    clauses: list[ClauseDiff] = field(default_factory=list)

    @property
    def heading_html(self) -> str:
        return diff_html(self.heading_ops)

    @property
    def has_changes(self) -> bool:
        """Whether anything in or about this section changed."""
        return self.status != "unchanged" or any(c.status != "unchanged" for c in self.clauses)


@dataclass(frozen=True, slots=True)
class DiffSummary:
    """Clause counts.  ``moved`` and ``changed`` overlap for moved+edited clauses;
    ``unchanged`` is matched clauses that are neither moved nor changed."""

    added: int = 0
    removed: int = 0
    moved: int = 0
    changed: int = 0
    unchanged: int = 0
    sections_added: int = 0
    sections_removed: int = 0
    sections_moved: int = 0
    headings_changed: int = 0


@dataclass(slots=True)
class DocumentDiff:
    language: str  # language of every ``ops`` / ``heading_ops`` / ``title_ops``
    languages: list[str]  # union of both documents' languages, new document's order first
    title_ops: list[Op]
    title_changed_languages: list[str]
    sections: list[SectionDiff]
    summary: DiffSummary

    @property
    def title_changed(self) -> bool:
        return bool(self.title_changed_languages)

    @property
    def title_html(self) -> str:
        return diff_html(self.title_ops)

    @property
    def has_changes(self) -> bool:
        return self.title_changed or any(s.has_changes for s in self.sections)

    def clauses(self) -> Iterator[ClauseDiff]:
        """All clause diffs in display order."""
        for section in self.sections:
            yield from section.clauses
