"""Properties: a document redline rebuilds both documents; the content hash sees every code point and nothing else.

Text-level redline reconstruction is already a property in declarations/tests/test_redline.py
(`test_property_diff_reconstructs_both_texts`); this adds the document level.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations.interchange import canonical_bytes, content_hash
from declarations.models import Declaration, DeclarationVersion
from declarations.redline import diff_documents

from . import corpus

# Fragments of many scripts plus hostile samples; NUL and lone surrogates never reach a snapshot
# (the services and the import refuse them), so they are left out here.
FRAGMENTS = [
    "a",
    "Z",
    " ",
    "\n",
    "<",
    ">",
    "&",
    '"',
    "'",
    "{{",
    "%}",
    "가",
    "윤리",
    "ᄀ",
    "ᅡ",
    "ㄱ",
    "日本",
    "の",
    "ไทย",
    "مرحبا",
    "שָׁלוֹם",
    "\u0301",
    "\u0300",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u2066",
    "\ufe0f",
    "\U0001f44d",
    "\U0001f3fd",
    "\U0001f469\u200d\U0001f467",
    "\U0001f1f0\U0001f1f7",
    "é",
    "e\u0301",
    *(s.text for s in corpus.ALL[:6]),
]
text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40),
)
LANGUAGES = ["en", "ko", "ar", "zh-Hant"]


@st.composite
def snapshots(draw: st.DrawFn, keys: list[str] | None = None) -> dict[str, Any]:
    """An interchange snapshot: 1 to 3 languages, up to 3 sections, clauses keyed from a shared pool."""
    languages = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True))

    def texts() -> dict[str, str]:
        return {lang: draw(text) for lang in languages if lang == languages[0] or draw(st.booleans())}

    pool = keys if keys is not None else [f"c{i}" for i in range(6)]
    chosen = draw(st.permutations(pool).map(lambda p: p[: draw(st.integers(0, len(p)))]))
    section_keys = draw(st.permutations(["s0", "s1", "s2"]).map(lambda p: p[: draw(st.integers(1, 3))]))
    sections: list[dict[str, Any]] = [{"key": key, "heading": texts(), "clauses": []} for key in section_keys]
    for key in chosen:
        sections[draw(st.integers(0, len(sections) - 1))]["clauses"].append({"key": key, "text": texts()})
    return {"title": texts(), "languages": languages, "sections": sections}


def _permuted(value: Any, rng: random.Random) -> Any:
    """The same JSON value with every object's keys in a random order (lists keep their order)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _permuted(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_permuted(v, rng) for v in value]
    return value


def _text_slots(snapshot: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every place the hash covers text: the title, each heading and each clause, per language present."""
    slots: list[tuple[Any, ...]] = [("title", lang) for lang in snapshot["title"]]
    for i, section in enumerate(snapshot["sections"]):
        slots += [("sections", i, "heading", lang) for lang in section["heading"]]
        for j, clause in enumerate(section["clauses"]):
            slots += [("sections", i, "clauses", j, "text", lang) for lang in clause["text"]]
    return slots


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple[Any, ...], value: str) -> None:
    _get(data, path[:-1])[path[-1]] = value


@settings(max_examples=150, deadline=None)
@given(snapshots(), snapshots(), st.sampled_from(LANGUAGES))
def test_document_redline_rebuilds_old_and_new_documents(old: dict[str, Any], new: dict[str, Any], lang: str) -> None:
    """diff_documents: walking the redline gives back the new document's order and every old and new text."""
    diff = diff_documents(old, new, lang)  # type: ignore[arg-type]
    old_texts = {c["key"]: c["text"].get(lang, "") for s in old["sections"] for c in s["clauses"]}
    new_texts = {c["key"]: c["text"].get(lang, "") for s in new["sections"] for c in s["clauses"]}
    seen_old, seen_new = {}, {}
    for clause in diff.clauses():
        if not clause.added:
            seen_old[clause.key] = clause.old_text
        if not clause.removed:
            seen_new[clause.key] = clause.new_text
    assert seen_old == old_texts
    assert seen_new == new_texts
    rebuilt = [(s.key, [c.key for c in s.clauses if not c.removed]) for s in diff.sections if not s.removed]
    assert rebuilt == [(s["key"], [c["key"] for c in s["clauses"]]) for s in new["sections"]]
    old_headings = {s["key"]: s["heading"].get(lang, "") for s in old["sections"]}
    new_headings = {s["key"]: s["heading"].get(lang, "") for s in new["sections"]}
    from declarations.redline import new_text, old_text

    for section in diff.sections:
        if not section.added:
            assert old_text(section.heading_ops) == old_headings[section.key]
        if not section.removed:
            assert new_text(section.heading_ops) == new_headings[section.key]
    assert old_text(diff.title_ops) == old["title"].get(lang, "")
    assert new_text(diff.title_ops) == new["title"].get(lang, "")


@settings(max_examples=100, deadline=None)
@given(snapshots(), st.randoms(use_true_random=False))
def test_hash_ignores_key_order_and_json_round_trips(snapshot: dict[str, Any], rng: random.Random) -> None:
    """Same text, keys in any order, or serialised and parsed again: the same content hash."""
    expected = content_hash(snapshot)
    assert content_hash(_permuted(snapshot, rng)) == expected
    assert content_hash(json.loads(json.dumps(_permuted(snapshot, rng), ensure_ascii=True))) == expected
    assert content_hash(json.loads(canonical_bytes(snapshot))) == expected


@st.composite
def one_character_edits(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A snapshot and a copy differing by one inserted, deleted or replaced code point in one text."""
    snapshot = draw(snapshots())
    path = draw(st.sampled_from(_text_slots(snapshot)))
    value: str = _get(snapshot, path)
    char = draw(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"))
    ops = ["insert"] + (["delete", "replace"] if value else [])
    op = draw(st.sampled_from(ops))
    i = draw(st.integers(0, len(value) - (0 if op == "insert" else 1)))
    if op == "insert":
        edited = value[:i] + char + value[i:]
    elif op == "delete":
        edited = value[:i] + value[i + 1 :]
    else:
        edited = (
            value[:i]
            + draw(st.characters(exclude_characters=value[i] + "\x00", exclude_categories=["Cs"]))
            + value[i + 1 :]
        )
    changed = copy.deepcopy(snapshot)
    _set(changed, path, edited)
    return snapshot, changed


@settings(max_examples=150, deadline=None)
@given(one_character_edits())
def test_any_single_character_change_changes_the_hash(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """One code point more, less or different anywhere in a title, heading or clause, any script: a new hash."""
    before, after = pair
    assert content_hash(before) != content_hash(after)


def test_composed_and_decomposed_accents_hash_differently() -> None:
    """No Unicode normalisation: "é" (U+00E9) and "e"+U+0301 look alike but are different texts."""
    base = {"title": {"en": "Caf\u00e9"}, "languages": ["en"], "sections": []}
    other = {"title": {"en": "Cafe\u0301"}, "languages": ["en"], "sections": []}
    assert content_hash(base) != content_hash(other)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshot=snapshots())
def test_hash_survives_a_round_trip_through_the_database(snapshot: dict[str, Any]) -> None:
    """A version saved and loaded again (jsonb on PostgreSQL, which reorders keys) has the same hash."""
    declaration, _ = Declaration.objects.get_or_create(
        slug="property", defaults={"title": {"en": "P"}, "languages": ["en"], "source_language": "en"}
    )
    number = DeclarationVersion.objects.filter(declaration=declaration).count() + 1
    version = DeclarationVersion.objects.create(
        declaration=declaration,
        number=number,
        label=f"v{number}",
        snapshot=snapshot,
        content_hash=content_hash(snapshot),
        published_at=timezone.now(),
    )
    loaded = DeclarationVersion.objects.get(pk=version.pk)
    assert content_hash(loaded.snapshot) == loaded.content_hash == content_hash(snapshot)
