"""The redline of all languages at once against one call per language."""

from __future__ import annotations

import pickle

from declarations.redline import diff_documents, diff_documents_all
from declarations.tests.test_redline_pinned import seeded_versions

LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]


def test_diff_documents_all_equals_one_call_per_language() -> None:
    """The all-languages redline of the seeded six-language pair equals six single-language calls."""
    old, new = seeded_versions()
    together = diff_documents_all(old, new, LANGUAGES)  # type: ignore[arg-type]
    assert list(together) == LANGUAGES
    for language in LANGUAGES:
        single = diff_documents(old, new, language)  # type: ignore[arg-type]
        assert together[language] == single
        assert pickle.dumps(together[language]) == pickle.dumps(single)
    # Nothing is shared between two languages' results.
    en, fr = together["en"], together["fr"]
    assert en.languages is not fr.languages
    assert en.sections[0].clauses[0].changed_languages is not fr.sections[0].clauses[0].changed_languages


def test_diff_documents_all_with_added_removed_and_moved_parts() -> None:
    """Added, removed and moved sections and clauses, a language missing on one side: still equal."""
    old = {
        "title": {"en": "Old", "fr": "Ancien"},
        "languages": ["en", "fr"],
        "sections": [
            {"key": "a", "heading": {"en": "A"}, "clauses": [{"key": "1", "text": {"en": "one", "fr": "un"}}]},
            {"key": "b", "heading": {"en": "B"}, "clauses": [{"key": "2", "text": {"en": "two"}}]},
            {"key": "c", "heading": {"en": "C", "fr": "C"}, "clauses": [{"key": "3", "text": {"fr": "trois"}}]},
        ],
    }
    new = {
        "title": {"en": "New", "fr": "Ancien", "de": "Neu"},
        "languages": ["fr", "en"],
        "sections": [
            {"key": "c", "heading": {"en": "C2"}, "clauses": [{"key": "1", "text": {"en": "one!", "fr": "un"}}]},
            {"key": "a", "heading": {"en": "A"}, "clauses": [{"key": "4", "text": {"en": "four"}}]},
        ],
    }
    languages = ["en", "fr", "de", "xx"]
    together = diff_documents_all(old, new, languages)  # type: ignore[arg-type]
    for language in languages:
        assert together[language] == diff_documents(old, new, language)  # type: ignore[arg-type]
