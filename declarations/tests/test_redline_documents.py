"""Specs for the redline of whole documents: clauses changed, added, removed and moved, per language
(pure Python: no database, no settings)."""

from __future__ import annotations

import copy

from declarations.redline import Op, diff_documents, side_by_side

from .redline_data import doc, layout, load_manifesto, statuses


def test_manifesto_with_one_edited_clause_reports_exactly_one_changed_clause():
    """Editing one clause of the DETA manifesto is reported as exactly one changed clause."""
    old = load_manifesto()
    new = copy.deepcopy(old)
    clause = new["sections"][3]["clauses"][1]
    clause["text"]["en"] = clause["text"]["en"].replace("transparent", "open and transparent", 1)
    diff = diff_documents(old, new, "en")
    changed = [c for c in diff.clauses() if c.changed]
    assert [c.key for c in changed] == [clause["key"]]
    assert changed[0].changed_languages == ["en"]
    assert changed[0].status == "changed"
    assert [op for op in changed[0].ops if op.kind != "equal"] == [Op("insert", "open and ")]
    assert diff.summary.changed == 1
    assert diff.summary.unchanged == sum(len(s["clauses"]) for s in old["sections"]) - 1
    assert (diff.summary.added, diff.summary.removed, diff.summary.moved) == (0, 0, 0)
    assert layout(diff) == [(s["key"], [c["key"] for c in s["clauses"]]) for s in old["sections"]]


def test_identical_documents_have_no_changes():
    """Diffing a document with itself marks everything unchanged."""
    manifesto = load_manifesto()
    diff = diff_documents(manifesto, copy.deepcopy(manifesto), "ko")
    assert not diff.has_changes
    assert set(statuses(diff).values()) == {"unchanged"}
    assert all(op.kind == "equal" for c in diff.clauses() for op in c.ops)


def test_moving_one_clause_marks_only_that_clause_moved():
    """Moving a clause down inside its section flags it alone, via the longest increasing subsequence."""
    old = doc(("s", ["a", "b", "c", "d", "e"]))
    new = doc(("s", ["b", "c", "d", "a", "e"]))
    diff = diff_documents(old, new, "en")
    assert statuses(diff) == {"b": "unchanged", "c": "unchanged", "d": "unchanged", "a": "moved", "e": "unchanged"}
    assert diff.summary.moved == 1 and diff.summary.unchanged == 4


def test_inserting_a_clause_does_not_mark_following_clauses_moved():
    """An added clause at the top is the only change; later clauses are not moved."""
    diff = diff_documents(doc(("s", ["a", "b", "c"])), doc(("s", ["new", "a", "b", "c"])), "en")
    assert statuses(diff) == {"new": "added", "a": "unchanged", "b": "unchanged", "c": "unchanged"}
    added = next(diff.clauses())
    assert added.added and added.ops == [Op("insert", "text of new")]
    assert added.old_section is None and added.new_section == "s"
    assert added.changed_languages == ["en", "ko"]
    assert diff.summary.added == 1 and diff.summary.moved == 0


def test_removed_clause_is_shown_where_it_used_to_be():
    """A deleted clause stays in its old section, after the clause that preceded it."""
    diff = diff_documents(doc(("s", ["a", "b", "c"])), doc(("s", ["a", "c"])), "en")
    assert layout(diff) == [("s", ["a", "b", "c"])]
    removed = diff.sections[0].clauses[1]
    assert removed.status == "removed" and removed.removed
    assert removed.ops == [Op("delete", "text of b")]
    assert (removed.old_section, removed.new_section) == ("s", None)
    assert diff.summary.removed == 1


def test_clause_moved_to_another_section_is_moved_not_removed_and_added():
    """Keys are matched across the whole document, so a cross-section move is a move."""
    old = doc(("one", ["a", "b"]), ("two", ["c"]))
    new = doc(("one", ["a"]), ("two", ["b", ("c", "text of c, amended")]))
    diff = diff_documents(old, new, "en")
    assert layout(diff) == [("one", ["a"]), ("two", ["b", "c"])]
    moved = diff.sections[1].clauses[0]
    assert moved.moved and not moved.changed and moved.status == "moved"
    assert (moved.old_section, moved.new_section) == ("one", "two")
    amended = diff.sections[1].clauses[1]
    assert amended.status == "changed" and not amended.moved
    assert diff.summary == diff.summary.__class__(moved=1, changed=1, unchanged=1)


def test_moved_clause_can_also_be_changed():
    """A clause that is both moved and edited has both flags and its ops."""
    old = doc(("s", ["a", "b", "c"]))
    new = doc(("s", ["b", "c", ("a", "text of a, revised")]))
    clause = next(c for c in diff_documents(old, new, "en").clauses() if c.key == "a")
    assert clause.status == "moved" and clause.moved and clause.changed
    assert clause.changed_languages == ["en"]
    assert [op for op in clause.ops if op.kind != "equal"] == [Op("insert", ", revised")]


def test_section_heading_change_is_reported_per_language():
    """A changed heading sets heading_changed, its ops and the languages that changed."""
    old = doc(("s", ["a"]))
    new = copy.deepcopy(old)
    new["sections"][0]["heading"] = {"en": "Core values", "ko": "핵심 가치"}
    diff = diff_documents(old, new, "en")
    section = diff.sections[0]
    assert section.heading_changed and section.status == "changed"
    assert section.heading_changed_languages == ["en", "ko"]
    assert section.heading_ops == [Op("delete", "S"), Op("insert", "Core values")]
    assert section.heading_html == '<del class="rl-del">S</del><ins class="rl-ins">Core values</ins>'
    assert diff.summary.headings_changed == 1 and diff.summary.unchanged == 1


def test_added_and_removed_sections_keep_their_places():
    """A removed section is listed where it was; an added one where it now is."""
    old = doc(("a", ["a1"]), ("gone", ["g1", "g2"]), ("c", ["c1"]))
    new = doc(("a", ["a1", "g2"]), ("c", ["c1"]), ("fresh", ["f1"]))
    diff = diff_documents(old, new, "en")
    assert layout(diff) == [("a", ["a1", "g2"]), ("gone", ["g1"]), ("c", ["c1"]), ("fresh", ["f1"])]
    gone, fresh = diff.sections[1], diff.sections[3]
    assert gone.removed and gone.status == "removed" and gone.heading_ops == [Op("delete", "Gone")]
    assert fresh.added and fresh.status == "added" and fresh.heading_ops == [Op("insert", "Fresh")]
    assert statuses(diff) == {"a1": "unchanged", "g2": "moved", "g1": "removed", "c1": "unchanged", "f1": "added"}
    assert (diff.summary.sections_added, diff.summary.sections_removed) == (1, 1)


def test_reordered_sections_flag_the_section_not_every_clause():
    """Moving a whole section to the front marks that section moved and leaves its clauses alone."""
    old = doc(("x", ["x1", "x2"]), ("y", ["y1"]), ("z", ["z1", "z2"]))
    new = doc(("z", ["z1", "z2"]), ("x", ["x1", "x2"]), ("y", ["y1"]))
    diff = diff_documents(old, new, "en")
    assert [(s.key, s.moved, s.status) for s in diff.sections] == [
        ("z", True, "moved"),
        ("x", False, "unchanged"),
        ("y", False, "unchanged"),
    ]
    assert set(statuses(diff).values()) == {"unchanged"}
    assert diff.has_changes and diff.summary.sections_moved == 1


def test_missing_language_counts_as_empty_text():
    """A clause that gains a translation is changed in that language, with an insert op."""
    old = doc(("s", ["a"]))
    new = copy.deepcopy(old)
    new["languages"].append("fr")
    new["sections"][0]["clauses"][0]["text"]["fr"] = "texte de a"
    diff = diff_documents(old, new, "fr")
    clause = next(diff.clauses())
    assert clause.changed_languages == ["fr"]
    assert clause.ops == [Op("insert", "texte de a")]
    assert diff.languages == ["en", "ko", "fr"]
    assert diff_documents(old, new, "en").sections[0].clauses[0].ops == [Op("equal", "text of a")]


def test_title_change_and_html_helpers():
    """The title redline and the per-clause HTML properties are ready for templates."""
    old = doc(("s", [("a", "Tom & Jerry")]))
    new = doc(("s", [("a", "Tom & Spike")]))
    new["title"]["en"] = "Doc <v2>"
    diff = diff_documents(old, new, "en")
    assert diff.title_changed and diff.title_changed_languages == ["en"]
    assert diff.title_html == 'Doc<ins class="rl-ins"> &lt;v2&gt;</ins>'
    clause = next(diff.clauses())
    assert clause.html == 'Tom &amp; <del class="rl-del">Jerry</del><ins class="rl-ins">Spike</ins>'
    assert (clause.old_html, clause.new_html) == side_by_side(clause.ops)
    assert (clause.old_text, clause.new_text) == ("Tom & Jerry", "Tom & Spike")


def test_duplicate_keys_are_paired_by_occurrence():
    """Malformed snapshots with a repeated key still diff instead of crashing or dropping clauses."""
    old = doc(("s", [("a", "first"), ("a", "second")]))
    new = doc(("s", [("a", "first"), ("a", "second!")]))
    diff = diff_documents(old, new, "en")
    assert [c.status for c in diff.clauses()] == ["unchanged", "changed"]


def test_400_clause_6_language_redline_reports_exactly_the_edits():
    """At UN scale (400 clauses x 6 languages) the redline reports exactly the edited, added and moved clauses.

    Its speed is measured in benchmarks/, never asserted in a test.
    """
    languages = ["en", "fr", "ar", "ko", "ja", "th"]
    base = load_manifesto()
    samples = [c["text"] for s in base["sections"] for c in s["clauses"]]

    def text(i: int, lang: str) -> str:
        source = samples[i % len(samples)]["ko" if lang in ("ko", "ja", "th") else "en"]
        return (f"{i} {source} " * 3)[:600]

    old = {
        "title": dict.fromkeys(languages, "T"),
        "languages": languages,
        "sections": [
            {
                "key": f"s{s}",
                "heading": dict.fromkeys(languages, f"Section {s}"),
                "clauses": [
                    {"key": f"c{s}-{c}", "text": {lang: text(s * 10 + c, lang) for lang in languages}}
                    for c in range(10)
                ],
            }
            for s in range(40)
        ],
    }
    new = copy.deepcopy(old)
    for s in range(0, 40, 5):
        clause = new["sections"][s]["clauses"][3]
        for lang in languages:
            t = clause["text"][lang]
            clause["text"][lang] = t[:50] + "EDIT 수정" + t[60:300] + t[310:]
    new["sections"][1]["clauses"].insert(0, {"key": "added", "text": dict.fromkeys(languages, "new clause")})
    new["sections"][2]["clauses"].append(new["sections"][3]["clauses"].pop(0))

    diffs = [diff_documents(old, new, lang) for lang in languages]
    for diff in diffs:
        assert (diff.summary.changed, diff.summary.added, diff.summary.moved) == (8, 1, 1)
