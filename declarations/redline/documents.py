"""The redline of two document snapshots: sections and clauses matched by key, moves, then texts per language."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..snapshot import Snapshot
from .results import (
    ClauseDiff,
    ClauseStatus,
    DiffSummary,
    DocumentDiff,
    DocumentSnapshot,
    SectionDiff,
    SectionStatus,
)
from .text import Op, OpKind, diff_text

# --- both documents, flattened -------------------------------------------


@dataclass(slots=True)
class _Clause:
    ident: tuple[str, int]
    key: str
    text: dict[str, str]
    section: tuple[str, int]
    index: int  # global ordinal
    local: int  # ordinal inside its section


@dataclass(slots=True)
class _Section:
    ident: tuple[str, int]
    key: str
    heading: dict[str, str]
    index: int
    clauses: list[_Clause]


def _flatten(doc: Snapshot) -> tuple[list[_Section], dict[tuple[str, int], _Clause]]:
    # Keys are supposed to be unique; if a snapshot repeats one we pair the
    # n-th occurrence with the n-th occurrence instead of failing or silently
    # dropping a clause.
    sections: list[_Section] = []
    clauses: dict[tuple[str, int], _Clause] = {}
    seen_sections: dict[str, int] = {}
    seen_clauses: dict[str, int] = {}
    for s_index, frozen_section in enumerate(doc.sections):
        s_key = frozen_section.key
        s_ident = (s_key, seen_sections.get(s_key, 0))
        seen_sections[s_key] = s_ident[1] + 1
        section = _Section(s_ident, s_key, frozen_section.heading, s_index, [])
        for frozen_clause in frozen_section.clauses:
            c_key = frozen_clause.key
            c_ident = (c_key, seen_clauses.get(c_key, 0))
            seen_clauses[c_key] = c_ident[1] + 1
            clause = _Clause(c_ident, c_key, frozen_clause.text, s_ident, len(clauses), len(section.clauses))
            section.clauses.append(clause)
            clauses[c_ident] = clause
        sections.append(section)
    return sections, clauses


def _languages(old: Snapshot, new: Snapshot, old_sections: list[_Section], new_sections: list[_Section]) -> list[str]:
    ordered = dict.fromkeys([*new.languages, *old.languages])
    # Texts in undeclared languages still count as content that can change.
    for doc in (new, old):
        ordered.update(dict.fromkeys(doc.title))
    for sections in (new_sections, old_sections):
        for section in sections:
            ordered.update(dict.fromkeys(section.heading))
            for clause in section.clauses:
                ordered.update(dict.fromkeys(clause.text))
    return list(ordered)


def _lis(seq: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of ``seq``.

    Items outside it are the minimal set that must have moved: inserting or
    deleting a clause shifts absolute positions but keeps every other pair in
    order, so nothing else is flagged.
    """
    tail_values: list[int] = []
    tail_positions: list[int] = []
    previous = [-1] * len(seq)
    for i, value in enumerate(seq):
        k = bisect.bisect_left(tail_values, value)
        if k == len(tail_values):
            tail_values.append(value)
            tail_positions.append(i)
        else:
            tail_values[k] = value
            tail_positions[k] = i
        previous[i] = tail_positions[k - 1] if k else -1
    result: set[int] = set()
    i = tail_positions[-1] if tail_positions else -1
    while i != -1:
        result.add(i)
        i = previous[i]
    return result


def _changed_languages(old: dict[str, str], new: dict[str, str], languages: list[str]) -> list[str]:
    if old == new:  # most clauses of two versions
        return []
    return [lang for lang in languages if old.get(lang, "") != new.get(lang, "")]


def _place_removed[T](
    kept: list[T],
    removed_with_anchor: list[tuple[T | None, T]],
) -> list[T]:
    """Interleave removed items after the surviving item that preceded them."""
    after: dict[int, list[T]] = {}
    head: list[T] = []
    for anchor, item in removed_with_anchor:
        if anchor is None:
            head.append(item)
        else:
            after.setdefault(id(anchor), []).append(item)
    result = list(head)
    for item in kept:
        result.append(item)
        result.extend(after.get(id(item), ()))
    return result


def diff_documents(old: Snapshot | DocumentSnapshot, new: Snapshot | DocumentSnapshot, language: str) -> DocumentDiff:
    """Redline two document snapshots; ops are computed for ``language``.

    Clauses (and sections) are matched by key across the whole document, so
    a clause moved to another section is reported as ``moved`` rather than
    removed + added.  A clause is moved when its section changed or when it
    falls outside the longest increasing subsequence of the clauses that
    stayed in the same section; reordering whole sections flags the sections
    (``SectionDiff.moved``), not every clause inside them.
    """
    return diff_documents_all(old, new, [language])[language]


def diff_documents_all(
    old: Snapshot | DocumentSnapshot, new: Snapshot | DocumentSnapshot, languages: Iterable[str]
) -> dict[str, DocumentDiff]:
    """``{language: diff_documents(old, new, language)}`` for every language, equal to separate calls.

    The per-document work (reading both snapshots, matching sections and clauses, moves, the
    languages each clause changed in, the placement of removed items, the counts) is done once
    and only the texts are diffed per language.  Each language gets objects of its own (no list
    is shared between two results).
    """
    langs = list(dict.fromkeys(languages))
    old = old if isinstance(old, Snapshot) else Snapshot.from_json(old)
    new = new if isinstance(new, Snapshot) else Snapshot.from_json(new)
    old_sections, old_clauses = _flatten(old)
    new_sections, new_clauses = _flatten(new)
    all_languages = _languages(old, new, old_sections, new_sections)
    old_by_ident = {s.ident: s for s in old_sections}

    # Section order: LIS over the common sections in new order.
    common_sections = [s for s in new_sections if s.ident in old_by_ident]
    in_order = _lis([old_by_ident[s.ident].index for s in common_sections])
    moved_sections = {s.ident for i, s in enumerate(common_sections) if i not in in_order}

    # Clause moves: cross-section moves, then order inside each section.
    moved_clauses: set[tuple[str, int]] = set()
    for section in new_sections:
        staying: list[_Clause] = []
        for clause in section.clauses:
            before = old_clauses.get(clause.ident)
            if before is None:
                continue
            if before.section != section.ident:
                moved_clauses.add(clause.ident)
            else:
                staying.append(clause)
        in_order = _lis([old_clauses[c.ident].local for c in staying])
        moved_clauses.update(c.ident for i, c in enumerate(staying) if i not in in_order)

    counts = {"added": 0, "removed": 0, "moved": 0, "changed": 0, "unchanged": 0}

    # A clause or section diff is built for every language at once: a list with one item per language.
    def clause_diffs(before: _Clause | None, after: _Clause | None) -> list[ClauseDiff]:
        if after is None:
            assert before is not None
            counts["removed"] += 1
            present = [lang for lang in all_languages if before.text.get(lang, "")]
            return [
                ClauseDiff(
                    key=before.key,
                    status="removed",
                    added=False,
                    removed=True,
                    moved=False,
                    changed=False,
                    old_section=before.section[0],
                    new_section=None,
                    old_index=before.index,
                    new_index=None,
                    ops=_whole("delete", before.text.get(language, "")),
                    changed_languages=list(present),
                )
                for language in langs
            ]
        if before is None:
            counts["added"] += 1
            present = [lang for lang in all_languages if after.text.get(lang, "")]
            return [
                ClauseDiff(
                    key=after.key,
                    status="added",
                    added=True,
                    removed=False,
                    moved=False,
                    changed=False,
                    old_section=None,
                    new_section=after.section[0],
                    old_index=None,
                    new_index=after.index,
                    ops=_whole("insert", after.text.get(language, "")),
                    changed_languages=list(present),
                )
                for language in langs
            ]
        changed_languages = _changed_languages(before.text, after.text, all_languages)
        moved = after.ident in moved_clauses
        changed = bool(changed_languages)
        counts["moved"] += moved
        counts["changed"] += changed
        counts["unchanged"] += not (moved or changed)
        status: ClauseStatus = "moved" if moved else "changed" if changed else "unchanged"
        return [
            ClauseDiff(
                key=after.key,
                status=status,
                added=False,
                removed=False,
                moved=moved,
                changed=changed,
                old_section=before.section[0],
                new_section=after.section[0],
                old_index=before.index,
                new_index=after.index,
                ops=diff_text(before.text.get(language, ""), after.text.get(language, "")),
                changed_languages=list(changed_languages),
            )
            for language in langs
        ]

    def removed_clauses_of(
        old_section: _Section, kept_in_place: dict[tuple[str, int], list[ClauseDiff]]
    ) -> list[tuple[list[ClauseDiff] | None, list[ClauseDiff]]]:
        # Anchor each deleted clause to the nearest preceding clause of the
        # same old section that is still in that section, so it is shown
        # where it used to be.
        placed: list[tuple[list[ClauseDiff] | None, list[ClauseDiff]]] = []
        anchor: list[ClauseDiff] | None = None
        for clause in old_section.clauses:
            if clause.ident in kept_in_place:
                anchor = kept_in_place[clause.ident]
            elif clause.ident not in new_clauses:
                placed.append((anchor, clause_diffs(clause, None)))
        return placed

    def per_language(rows: list[list[ClauseDiff]], n: int) -> list[ClauseDiff]:
        return [row[n] for row in rows]

    kept_sections: list[list[SectionDiff]] = []
    for section in new_sections:
        before_section = old_by_ident.get(section.ident)
        rows = [clause_diffs(old_clauses.get(c.ident), c) for c in section.clauses]
        if before_section is None:
            present = [lang for lang in all_languages if section.heading.get(lang, "")]
            kept_sections.append(
                [
                    SectionDiff(
                        key=section.key,
                        status="added",
                        added=True,
                        removed=False,
                        moved=False,
                        heading_changed=False,
                        old_index=None,
                        new_index=section.index,
                        heading_ops=_whole("insert", section.heading.get(language, "")),
                        heading_changed_languages=list(present),
                        clauses=per_language(rows, n),
                    )
                    for n, language in enumerate(langs)
                ]
            )
            continue
        in_place = (
            {
                c.ident: row
                for c, row in zip(section.clauses, rows, strict=True)
                if row[0].old_section is not None and old_clauses[c.ident].section == section.ident
            }
            if langs
            else {}
        )
        rows = _place_removed(rows, removed_clauses_of(before_section, in_place))
        heading_langs = _changed_languages(before_section.heading, section.heading, all_languages)
        moved = section.ident in moved_sections
        status: SectionStatus = "moved" if moved else "changed" if heading_langs else "unchanged"
        kept_sections.append(
            [
                SectionDiff(
                    key=section.key,
                    status=status,
                    added=False,
                    removed=False,
                    moved=moved,
                    heading_changed=bool(heading_langs),
                    old_index=before_section.index,
                    new_index=section.index,
                    heading_ops=diff_text(before_section.heading.get(language, ""), section.heading.get(language, "")),
                    heading_changed_languages=list(heading_langs),
                    clauses=per_language(rows, n),
                )
                for n, language in enumerate(langs)
            ]
        )

    # Removed sections go after the surviving section that preceded them.
    kept_by_ident = {s.ident: d for s, d in zip(new_sections, kept_sections, strict=True)}
    removed_sections: list[tuple[list[SectionDiff] | None, list[SectionDiff]]] = []
    anchor: list[SectionDiff] | None = None
    for section in old_sections:
        if section.ident in kept_by_ident:
            anchor = kept_by_ident[section.ident]
            continue
        present = [lang for lang in all_languages if section.heading.get(lang, "")]
        rows = [clause_diffs(c, None) for c in section.clauses if c.ident not in new_clauses]
        removed_sections.append(
            (
                anchor,
                [
                    SectionDiff(
                        key=section.key,
                        status="removed",
                        added=False,
                        removed=True,
                        moved=False,
                        heading_changed=False,
                        old_index=section.index,
                        new_index=None,
                        heading_ops=_whole("delete", section.heading.get(language, "")),
                        heading_changed_languages=list(present),
                        clauses=per_language(rows, n),
                    )
                    for n, language in enumerate(langs)
                ],
            )
        )
    section_rows = _place_removed(kept_sections, removed_sections)

    old_title, new_title = old.title, new.title
    title_changed_languages = _changed_languages(old_title, new_title, all_languages)
    # The counts, like everything but the ops, do not depend on the language.
    result: dict[str, DocumentDiff] = {}
    for n, language in enumerate(langs):
        sections = [row[n] for row in section_rows]
        summary = DiffSummary(
            **counts,
            sections_added=sum(s.added for s in sections),
            sections_removed=sum(s.removed for s in sections),
            sections_moved=len(moved_sections),
            headings_changed=sum(s.heading_changed for s in sections),
        )
        result[language] = DocumentDiff(
            language=language,
            languages=list(all_languages),
            title_ops=diff_text(old_title.get(language, ""), new_title.get(language, "")),
            title_changed_languages=list(title_changed_languages),
            sections=sections,
            summary=summary,
        )
    return result


def _whole(kind: OpKind, text: str) -> list[Op]:
    return [Op(kind, text)] if text else []
