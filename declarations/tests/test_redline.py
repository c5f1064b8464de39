"""Specs for the redline engine (pure Python: no database, no settings)."""

from __future__ import annotations

import copy
import html
import itertools
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import regex
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from config.text import show_controls
from declarations.redline import (
    DocumentDiff,
    Op,
    diff_documents,
    diff_html,
    diff_text,
    new_text,
    old_text,
    side_by_side,
    tokenize,
)
from declarations.redline.tokens import chunks

MANIFESTO = Path("/work/shared/data/deta-trustworthy-ai-manifesto.json")
KO_PHRASE = "AI 윤리에 관한 의미 있는 논의에 참여하고"


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


def assert_well_formed(ops: list[Op]) -> None:
    assert all(op.text for op in ops)
    assert all(a.kind != b.kind for a, b in itertools.pairwise(ops))
    assert all(op.kind in ("equal", "insert", "delete") for op in ops)


# --- tokenize ----------------------------------------------------------------


def test_tokenize_splits_spaced_scripts_into_words_whitespace_and_punctuation():
    """English is tokenized into words, whitespace runs and single punctuation marks."""
    assert tokenize("Hello,  world! (AI)") == ["Hello", ",", "  ", "world", "!", " ", "(", "AI", ")"]


def test_tokenize_mixed_korean_latin_is_character_level_for_hangul():
    """Hangul is tokenized per syllable while Latin words stay whole."""
    assert tokenize("AI 윤리에 관한") == ["AI", " ", "윤", "리", "에", " ", "관", "한"]
    assert tokenize("AI문화를") == ["AI", "문", "화", "를"]


def test_tokenize_cjk_kana_and_thai_per_character():
    """Kanji, kana and Thai (with its combining vowels kept on the consonant) are per cluster."""
    assert tokenize("日本語のテキスト。") == ["日", "本", "語", "の", "テ", "キ", "ス", "ト", "。"]
    assert tokenize("สวัสดี") == ["ส", "วั", "ส", "ดี"]


def test_tokenize_keeps_combining_marks_and_emoji_sequences_together():
    """Combining marks, ZWJ sequences, skin tones, flags and keycaps are never split."""
    assert tokenize("cafe\u0301 e\u0301te\u0301") == ["cafe\u0301", " ", "e\u0301te\u0301"]
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert tokenize(f"{family} \U0001f44d\U0001f3fd \U0001f1f0\U0001f1f7\U0001f1ef\U0001f1f5 1\ufe0f\u20e3") == [
        family,
        " ",
        "\U0001f44d\U0001f3fd",
        " ",
        "\U0001f1f0\U0001f1f7",
        "\U0001f1ef\U0001f1f5",
        " ",
        "1\ufe0f\u20e3",
    ]
    assert tokenize("한\u0301글") == ["한\u0301", "글"]


def test_tokenize_right_to_left_words_with_diacritics():
    """Arabic and Hebrew words (with harakat/niqqud) are single tokens."""
    assert tokenize("مَرْحَبًا بالعالم، שָׁלוֹם") == ["مَرْحَبًا", " ", "بالعالم", "،", " ", "שָׁלוֹם"]


def test_tokenize_nul_and_control_characters_round_trip():
    """NUL and other control characters become their own tokens and nothing is lost."""
    assert tokenize("a\x00b\x07") == ["a", "\x00", "b", "\x07"]
    assert tokenize("") == []


# --- diff_text -----------------------------------------------------------------


def test_english_missing_space_is_a_small_word_level_change():
    """ "campaignsto" -> "campaigns to" changes that one word and keeps the rest of the clause equal."""
    clause = manifesto_clause(lambda c: "campaignsto" in c["text"]["en"])
    old = clause["text"]["en"]
    new = old.replace("campaignsto", "campaigns to")
    ops = diff_text(old, new)
    changes = [op for op in ops if op.kind != "equal"]
    assert changes == [Op("delete", "campaignsto"), Op("insert", "campaigns to")]
    assert sum(len(op.text) for op in ops if op.kind == "equal") == len(old) - len("campaignsto")


def test_korean_removed_repeated_phrase_is_exactly_one_delete():
    """Removing the duplicated Korean phrase yields a single delete of that phrase (plus its separator)."""
    clause = manifesto_clause(lambda c: c["text"]["ko"].count(KO_PHRASE) == 2)
    old = clause["text"]["ko"]
    start = old.rindex(KO_PHRASE)
    new = old[:start] + old[start + len(KO_PHRASE) + len(", ") :]
    ops = diff_text(old, new)
    changes = [op for op in ops if op.kind != "equal"]
    assert len(changes) == 1
    assert changes[0].kind == "delete"
    assert changes[0].text.strip(", ") == KO_PHRASE


def test_korean_is_diffed_per_syllable():
    """A one-syllable particle change in Korean shows only that syllable."""
    assert diff_text("논의에 참여", "논의를 참여") == [
        Op("equal", "논의"),
        Op("delete", "에"),
        Op("insert", "를"),
        Op("equal", " 참여"),
    ]
    assert diff_text("AI문화를", "AI 문화를") == [Op("equal", "AI"), Op("insert", " "), Op("equal", "문화를")]


def test_identical_and_empty_inputs():
    """Identical strings give a single equal op; two empty strings give no ops."""
    assert diff_text("same", "same") == [Op("equal", "same")]
    assert diff_text("", "") == []
    assert diff_text("", "new") == [Op("insert", "new")]
    assert diff_text("old", "") == [Op("delete", "old")]


def test_rewrite_is_one_delete_and_one_insert_not_confetti():
    """Single spaces between replaced words are folded, so a rewrite reads as one change."""
    assert diff_text("the quick brown fox", "a slow red fox") == [
        Op("delete", "the quick brown"),
        Op("insert", "a slow red"),
        Op("equal", " fox"),
    ]


def test_edit_next_to_combining_mark_does_not_split_the_cluster():
    """Trimming the common prefix never leaves a combining mark separated from its base."""
    ops = diff_text("resume\u0301 x", "resume\u0301s x")
    assert ops == [Op("delete", "resume\u0301"), Op("insert", "resume\u0301s"), Op("equal", " x")]
    ops = diff_text("e\u0301", "e\u0300")
    assert ops == [Op("delete", "e\u0301"), Op("insert", "e\u0300")]


# --- HTML ----------------------------------------------------------------------


def test_diff_html_escapes_markup_in_every_segment():
    """<script> in equal, deleted and inserted text comes out escaped inside rl-del/rl-ins."""
    ops = [Op("equal", "<script>"), Op("delete", "</del><script>x"), Op("insert", "\"&'<img onerror=1>")]
    out = diff_html(ops)
    assert isinstance(out, SafeString)
    assert "<script" not in out and "<img" not in out
    assert out == (
        '&lt;script&gt;<del class="rl-del">&lt;/del&gt;&lt;script&gt;x</del>'
        '<ins class="rl-ins">&quot;&amp;&#x27;&lt;img onerror=1&gt;</ins>'
    )


def test_diff_html_escapes_even_text_marked_safe():
    """Text that claims to be safe is escaped anyway: the redline never trusts its input."""
    out = diff_html([Op("insert", mark_safe("<b>bold</b>"))])
    assert out == '<ins class="rl-ins">&lt;b&gt;bold&lt;/b&gt;</ins>'


def test_diff_html_shows_nul_as_replacement_character():
    """NUL and other HTML-invalid controls are rendered as U+FFFD instead of vanishing."""
    assert diff_html([Op("insert", "a\x00b")]) == '<ins class="rl-ins">a\ufffdb</ins>'
    assert diff_html([]) == ""


def test_side_by_side_columns():
    """Old column has equal+del, new column has equal+ins, both escaped."""
    old_col, new_col = side_by_side(diff_text("Tom & Jerry run", "Tom & Spike run"))
    assert old_col == 'Tom &amp; <del class="rl-del">Jerry</del> run'
    assert new_col == 'Tom &amp; <ins class="rl-ins">Spike</ins> run'


# --- properties ------------------------------------------------------------------

MIXED_ALPHABET = [
    *"abcXYZ019 .,;-'\"<>&\t\n",
    *"가나다라윤리에관한의미있는논의참여",
    *"ㄱㅏ\u1100\u1161\u11a8",  # compatibility and conjoining jamo
    *"日本語のテキスト、。ภาษาไทยสวัสดี",
    *"مرحبا بالعالم\u064e\u0652שָׁלוֹם",
    *"\u0301\u0300\u20e3\ufe0f\u200d\u200c\u200e\u202e\x00\x07",
    "\U0001f44d",
    "\U0001f3fd",
    "\U0001f468",
    "\U0001f1f0",
    "\U0001f1f7",
    "\U000e0067",
    "\U0001d165",  # astral combining mark
    "\ud7b0",
]
mixed_text = st.text(alphabet=st.sampled_from(MIXED_ALPHABET), max_size=80)
any_text = st.text(max_size=80)


@st.composite
def edited_pair(draw: st.DrawFn) -> tuple[str, str]:
    """An original and a version with a few local edits (the realistic redline case)."""
    old = draw(st.one_of(mixed_text, any_text))
    new = old
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(new)))
        j = draw(st.integers(i, min(len(new), i + 6)))
        new = new[:i] + draw(st.one_of(mixed_text, any_text).map(lambda s: s[:6])) + new[j:]
    return old, new


@settings(max_examples=300, deadline=None)
@given(st.one_of(any_text, mixed_text), st.one_of(any_text, mixed_text))
def test_property_diff_reconstructs_both_texts(old: str, new: str):
    """For any two strings the ops rebuild old (equal+delete) and new (equal+insert) exactly."""
    ops = diff_text(old, new)
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert_well_formed(ops)


@settings(max_examples=300, deadline=None)
@given(edited_pair())
def test_property_diff_reconstructs_edited_texts(pair: tuple[str, str]):
    """For an original and a locally edited copy the ops rebuild both texts exactly."""
    old, new = pair
    ops = diff_text(old, new)
    assert (old_text(ops), new_text(ops)) == (old, new)
    assert_well_formed(ops)


@settings(max_examples=300, deadline=None)
@given(st.one_of(any_text, mixed_text))
def test_property_tokenize_joins_back(text: str):
    """Tokens are non-empty and concatenate back to the input."""
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens)


@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, mixed_text))
def test_property_identical_inputs_give_only_equal_ops(text: str):
    """Diffing a string with itself yields only equal ops."""
    ops = diff_text(text, text)
    assert all(op.kind == "equal" for op in ops)
    assert old_text(ops) == text


def _offsets(pieces: list[str]) -> set[int]:
    offsets, position = {0}, 0
    for piece in pieces:
        position += len(piece)
        offsets.add(position)
    return offsets


def _prepend_free(text: str) -> bool:
    # UAX #29 glues a Prepend character to whatever follows it, even a space; a word of the redline
    # ends before a space all the same (no language ends a word with one).
    return regex.search(r"\p{Grapheme_Cluster_Break=Prepend}", text) is None


@settings(max_examples=300, deadline=None)
@given(st.one_of(any_text, mixed_text).filter(_prepend_free))
def test_property_tokens_never_split_a_grapheme_cluster(text: str):
    """Every token boundary is a boundary of Unicode's grapheme clusters (\\X): an edit never splits one."""
    assert _offsets(tokenize(text)) <= _offsets(regex.findall(r"\X", text))


@settings(max_examples=300, deadline=None)
@given(st.one_of(any_text, mixed_text), st.one_of(any_text, mixed_text).filter(bool))
def test_property_appending_keeps_the_text_before_equal(text: str, tail: str):
    """Text with something appended: the ops start with the original up to its last token boundary."""
    ops = diff_text(text, text + tail)
    assert (old_text(ops), new_text(ops)) == (text, text + tail)
    tokens = tokenize(text)
    kept = "".join(tokens[:-1])
    assert "".join(op.text for op in ops if op.kind == "equal").startswith(kept) or not kept


@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, mixed_text), st.one_of(any_text, mixed_text))
def test_property_html_contains_only_our_tags(old: str, new: str):
    """diff_html/side_by_side emit no markup except rl-del/rl-ins, and unescape back to the texts
    (direction controls shown as markers, issue 18)."""
    ops = diff_text(old, new)
    tags = re.compile(r'</?(?:del|ins)(?: class="rl-(?:del|ins)")?>')
    control = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
    for out, expected in ((diff_html(ops), None), *zip(side_by_side(ops), (old, new), strict=True)):
        bare = tags.sub("", out)
        assert "<" not in bare and ">" not in bare and '"' not in bare
        if expected is not None:
            assert html.unescape(bare) == show_controls(control.sub("\ufffd", expected))


# --- documents ---------------------------------------------------------------------


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


def test_a_zwj_after_a_letter_joins_no_pictograph():
    """UAX #29: ZWJ joins a pictograph only to a preceding pictograph, so "0‍🀀0" is a word, a tile, a word."""
    text = "0\u200d\U0001f0000"
    assert tokenize(text) == ["0\u200d", "\U0001f000", "0"]
    assert diff_text(text, text + "1") == [Op("equal", "0\u200d\U0001f000"), Op("delete", "0"), Op("insert", "01")]
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert diff_text(f"a {family}", f"a {family}\u200d\U0001f466") == [
        Op("equal", "a "),
        Op("delete", family),
        Op("insert", f"{family}\u200d\U0001f466"),
    ]


def test_unspaced_scripts_are_found_by_script_not_by_code_point_range():
    """Extension blocks and rarer scripts of the list tokenise per cluster too; Latin next to them stays whole."""
    assert tokenize("\U00020000\U0002a6d6abc") == ["\U00020000", "\U0002a6d6", "abc"]  # CJK extension B
    assert tokenize("ꀀꀁ ລາວ") == ["ꀀ", "ꀁ", " ", "ລ", "າ", "ວ"]  # Yi, Lao
    assert unicodedata.name(tokenize("ກິ")[0][1]) == "LAO VOWEL SIGN I"  # the vowel sign stays on its consonant


def test_chunks_are_a_word_or_up_to_eight_unspaced_clusters_with_punctuation_and_space():
    """The first matching pass works on chunks: word + punctuation + space, or at most 8 CJK clusters."""
    tokens = tokenize("Hello, world! (AI) 各国应开展合作确保人工智能。 x")
    starts = [0, *chunks(tokens, 0, len(tokens))]
    assert ["".join(tokens[i:j]) for i, j in itertools.pairwise(starts)] == [
        "Hello, ",
        "world! ",
        "(",
        "AI) ",
        "各国应开展合作确",
        "保人工智能。 ",
        "x",
    ]
    assert chunks(tokens, 2, 4) == [3, 4]  # a slice starting at the space: the space, then the word
