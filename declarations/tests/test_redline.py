"""Specs for the redline engine on words and characters (pure Python: no database, no settings).

Whole documents (clauses changed, added, removed, moved) are in test_redline_documents.py.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata

import regex
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from config.text import show_controls
from declarations.redline import (
    Op,
    diff_html,
    diff_text,
    new_text,
    old_text,
    side_by_side,
    tokenize,
)
from declarations.redline.tokens import chunks

from .redline_data import manifesto_clause

KO_PHRASE = "AI 윤리에 관한 의미 있는 논의에 참여하고"


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
