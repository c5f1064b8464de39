"""Specs for the typed frozen text (declarations.snapshot): built once from the stored JSON, one numbering."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from declarations.interchange import canonical_content, content_hash
from declarations.snapshot import Clause, Section, Snapshot, paragraphs
from declarations.tests.redline_data import load_manifesto

TWO_SECTIONS: dict[str, Any] = {
    "title": {"en": "Declaration", "ko": "선언"},
    "languages": ["en", "ko"],
    "sections": [
        {
            "key": "preamble",
            "heading": {"en": "Preamble"},
            "clauses": [{"key": "p1", "text": {"en": "Recalling", "ko": "상기하며"}}, {"key": "p2", "text": {}}],
        },
        {"key": "empty", "heading": {}, "clauses": []},
        {"key": "operative", "heading": {"en": "Operative"}, "clauses": [{"key": "undertaking", "text": {"en": "We"}}]},
    ],
}


def test_paragraphs_are_numbered_across_sections_in_reading_order():
    """Paragraph numbers run 1, 2, 3 … through every section; an empty section takes no number."""
    snapshot = Snapshot.from_json(TWO_SECTIONS)
    assert [(c.key, c.number) for c in snapshot.clauses()] == [("p1", 1), ("p2", 2), ("undertaking", 3)]
    assert snapshot.paragraph_numbers() == {"p1": 1, "p2": 2, "undertaking": 3}
    assert list(paragraphs([["a", "b"], [], ["c"]])) == [(1, "a"), (2, "b"), (3, "c")]


def test_sections_clauses_and_texts_are_typed_and_frozen():
    """Sections hold clauses with their texts per language; the values cannot be reassigned."""
    snapshot = Snapshot.from_json(TWO_SECTIONS)
    assert snapshot.sections[0] == Section(
        key="preamble",
        heading={"en": "Preamble"},
        clauses=(Clause("p1", 1, {"en": "Recalling", "ko": "상기하며"}), Clause("p2", 2, {})),
    )
    assert (snapshot.title, snapshot.languages, snapshot.source_language) == (
        {"en": "Declaration", "ko": "선언"},
        ("en", "ko"),
        "en",
    )
    assert snapshot.clause("undertaking") == Clause("undertaking", 3, {"en": "We"})
    assert snapshot.clause("missing") is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.sections = ()  # type: ignore[misc]


def test_malformed_parts_read_as_empty():
    """A file with missing or odd parts still reads (the redline compares any two files)."""
    snapshot = Snapshot.from_json(
        {"sections": [{"clauses": [{"key": 7, "text": {"en": None, "fr": 3}}, "junk"]}, "junk"], "title": None}
    )
    assert snapshot.title == {} and snapshot.languages == () and snapshot.source_language == ""
    assert snapshot.sections == (Section("", {}, (Clause("7", 1, {"en": "", "fr": "3"}),)),)


def test_the_content_hash_is_unchanged_by_reading_through_the_typed_form():
    """The canonical content built from the typed form is the one the stored hashes were made from."""
    manifesto = load_manifesto()
    assert canonical_content(manifesto) == {
        "format": "accord-declaration/1",
        "title": manifesto["title"],
        "languages": manifesto["languages"],
        "source_language": manifesto.get("source_language", manifesto["languages"][0]),
        "sections": [
            {
                "key": s["key"],
                "heading": s.get("heading", {}),
                "clauses": [{"key": c["key"], "text": c["text"]} for c in s["clauses"]],
            }
            for s in manifesto["sections"]
        ],
    }
    # The DETA manifesto's hash as computed before the typed form existed.
    assert content_hash(manifesto) == "26099944938f867cbbffad3cc9145202cc75f863bc8660262ec7ca71eb45a2af"
