"""Hostile text in drafting: clause texts, section headings, version labels and notes, import files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from declarations.interchange import InterchangeError, parse
from declarations.models import ClauseText, Declaration, DeclarationVersion, Section
from declarations.services import DeclarationError, clause_text_update, declaration_import
from declarations.tests.reading import read_declaration
from signatories.people import secretariat_create

from . import corpus
from .conftest import CLAUSE_KEY, clause, db_state, user

pytestmark = pytest.mark.django_db

BAD_CLAUSE_TEXTS = [
    (corpus.NUL, "Null characters are not allowed"),
    (corpus.long_text(100_001), "at most 100,000 characters"),
    (corpus.ONLY_WHITESPACE, "source language cannot be empty"),
]
BAD_HEADINGS = [
    (corpus.NUL, "Null characters are not allowed"),
    ("H" * 501, "at most 500 characters"),
    (corpus.ONLY_WHITESPACE, "needs a heading in the source language"),
]
BAD_PUBLISH_FORMS = [
    ({"label": corpus.NUL}, "Null characters are not allowed"),
    ({"label": "L" * 201}, "at most 200 characters"),
    ({"label": corpus.ONLY_WHITESPACE}, "This field is required"),
    ({"label": "ok", "note": corpus.NUL}, "Null characters are not allowed"),
    ({"label": "ok", "note": corpus.long_text(100_001)}, "at most 100,000 characters"),
]


def _edit_url(demo: Declaration, language: str = "en") -> str:
    return f"/d/{demo.slug}/clauses/{CLAUSE_KEY}/edit/{language}/"


def _exported(demo: Declaration, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "export.json"
    call_command("export_declaration", demo.slug, "--out", str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def _exported_clause(data: dict[str, Any], key: str = CLAUSE_KEY) -> dict[str, str]:
    return next(c["text"] for s in data["sections"] for c in s["clauses"] if c["key"] == key)


def _check_page(html: str, sample: corpus.Sample, where: str) -> None:
    assert not corpus.dangerous_in(html, sample), f"{sample.name}: unescaped markup on {where}"
    assert corpus.shown(html, sample.text), f"{sample.name}: not shown intact on {where}"


def test_clause_text_is_escaped_on_pages_and_round_trips_through_export(
    demo: Declaration, user_client: Any, tmp_path: Path
) -> None:
    """Every hostile sample saved as clause text reads back escaped on the page and exactly in the export."""
    client = user_client("secretariat")
    for sample in [*corpus.ALL, corpus.MULTILINE]:
        current = ClauseText.objects.get(clause__key=CLAUSE_KEY, language="en")
        response = client.post(_edit_url(demo), {"text": sample.text, "base_revision": current.revision})
        assert response.status_code == 302, sample.name
        assert ClauseText.objects.get(pk=current.pk).text == corpus.stored(sample.text), sample.name
        _check_page(read_declaration(client, f"/d/{demo.slug}/").content.decode(), sample, "the declaration page")
        _check_page(client.get(_edit_url(demo)).content.decode(), sample, "the edit form")
        assert _exported_clause(_exported(demo, tmp_path))["en"] == corpus.stored(sample.text), sample.name
    history = client.get(f"/d/{demo.slug}/clauses/{CLAUSE_KEY}/history/").content.decode()
    for sample in corpus.HTML_SAMPLES:
        assert not corpus.dangerous_in(history, sample), f"{sample.name}: unescaped in the history"


def test_clause_text_in_korean_column_with_hostile_reason(demo: Declaration, user_client: Any) -> None:
    """A hostile change reason and Korean text with markup are escaped in the clause history."""
    client = user_client("secretariat")
    current = ClauseText.objects.get(clause__key=CLAUSE_KEY, language="ko")
    response = client.post(
        _edit_url(demo, "ko"),
        {"text": corpus.KOREAN_MIXED.text, "base_revision": current.revision, "reason": corpus.SCRIPT.text},
    )
    assert response.status_code == 302
    history = client.get(f"/d/{demo.slug}/clauses/{CLAUSE_KEY}/history/").content.decode()
    _check_page(history, corpus.SCRIPT, "the history (reason)")
    assert not corpus.dangerous_in(history, corpus.KOREAN_MIXED)


def test_bad_clause_text_is_refused_clearly_and_changes_nothing(demo: Declaration, user_client: Any) -> None:
    """NUL, 100,001 characters or an empty source text: 400 with a clear message, database untouched."""
    for text, message in BAD_CLAUSE_TEXTS:
        client = user_client("secretariat")
        before = db_state()
        response = client.post(_edit_url(demo), {"text": text, "base_revision": 1})
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
        assert db_state() == before


def test_clause_text_at_the_limit_is_kept_whole(demo: Declaration, user_client: Any) -> None:
    """Exactly 100,000 characters (Korean and Latin) are accepted and stored without truncation."""
    text = corpus.long_text(100_000)
    response = user_client("secretariat").post(_edit_url(demo), {"text": text, "base_revision": 1})
    assert response.status_code == 302
    assert ClauseText.objects.get(clause__key=CLAUSE_KEY, language="en").text == text


def test_service_refuses_nul_even_without_the_form(demo: Declaration) -> None:
    """clause_text_update refuses NUL itself (commands and other callers have no form)."""
    before = db_state()
    with pytest.raises(DeclarationError, match="NUL"):
        clause_text_update(clause=clause(demo), language="en", text=corpus.NUL, base_revision=1, by=user("secretariat"))
    assert db_state() == before


def test_section_headings_are_escaped_and_kept_exactly(demo: Declaration, user_client: Any) -> None:
    """Every hostile sample a one-line field accepts, saved as a heading (both languages), shows escaped
    and intact; direction controls are refused (issue 18)."""
    client = user_client("secretariat")
    section = Section.objects.filter(declaration=demo).order_by("position").first()
    assert section is not None
    for sample in corpus.DIRECTION_SAMPLES:
        response = client.post(
            f"/d/{demo.slug}/sections/{section.key}/edit/",
            {"text_en": sample.text, "text_ko": "머리말", "base_revision": section.revision},
        )
        assert response.status_code == 400 and "Direction control" in response.content.decode(), sample.name
    for sample in corpus.SINGLE_LINE:
        section.refresh_from_db()
        response = client.post(
            f"/d/{demo.slug}/sections/{section.key}/edit/",
            {"text_en": sample.text, "text_ko": sample.text, "base_revision": section.revision},
        )
        assert response.status_code == 302, (sample.name, response.content.decode()[:500])
        section.refresh_from_db()
        assert section.heading["en"] == corpus.stored(sample.text), sample.name
        page = read_declaration(client, f"/d/{demo.slug}/?view=side").content.decode()
        _check_page(page, sample, "the declaration page (heading)")


def test_bad_heading_is_refused_and_changes_nothing(demo: Declaration, user_client: Any) -> None:
    """A new section with a NUL, 501-character or blank heading is refused; nothing is written."""
    for heading, message in BAD_HEADINGS:
        before = db_state()
        response = user_client("secretariat").post(f"/d/{demo.slug}/sections/add/", {"text_en": heading})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert db_state() == before


def test_version_label_and_note_are_escaped_on_version_pages(demo: Declaration, user_client: Any) -> None:
    """Hostile labels and notes are escaped on the version list and on the version page."""
    client = user_client("secretariat")
    for sample in corpus.SINGLE_LINE:
        response = client.post(
            f"/d/{demo.slug}/versions/publish/", {"label": sample.text, "note": corpus.MULTILINE.text + sample.text}
        )
        assert response.status_code == 302, sample.name
        version = DeclarationVersion.objects.filter(declaration=demo).latest()
        assert version.label == corpus.stored(sample.text)
        page = client.get(f"/d/{demo.slug}/versions/{version.number}/").content.decode()
        _check_page(page, sample, "the version page")
        assert corpus.shown(page, corpus.MULTILINE.text)
        _check_page(client.get(f"/d/{demo.slug}/versions/").content.decode(), sample, "the version list")


def test_bad_version_label_or_note_is_refused(demo: Declaration, user_client: Any) -> None:
    """Publishing with a bad label or note is refused with a message; no version number is used."""
    for data, message in BAD_PUBLISH_FORMS:
        before = db_state()
        response = user_client("secretariat").post(f"/d/{demo.slug}/versions/publish/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert db_state() == before


@pytest.mark.parametrize("name", list(corpus.MALFORMED_IMPORTS))
def test_malformed_import_is_refused_with_a_clear_error(name: str, tmp_path: Path) -> None:
    """Each malformed file gives InterchangeError naming the bad field (no traceback) and imports nothing."""
    raw = corpus.MALFORMED_IMPORTS[name]
    with pytest.raises(InterchangeError) as caught:
        parse(raw)
    assert caught.value.path and caught.value.message
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    before = db_state()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_declaration", str(path))
    assert db_state() == before


def test_import_with_a_byte_order_mark_and_hostile_text_round_trips(tmp_path: Path) -> None:
    """A Windows file with a BOM imports; hostile texts come back exactly in the export."""
    texts = {f"c{i}": {"en": corpus.stored(s.text), "ko": corpus.KOREAN_MIXED.text} for i, s in enumerate(corpus.ALL)}
    data = corpus.minimal_file(
        title={"en": corpus.SCRIPT.text, "ko": corpus.KOREAN_MIXED.text},
        sections=[
            {
                "key": "s",
                "heading": {"en": corpus.ATTRIBUTE_BREAKOUT.text},
                "clauses": [{"key": key, "text": text} for key, text in texts.items()],
            }
        ],
    )
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data, ensure_ascii=False).encode("utf-8"))
    secretariat_create(name="Hostile test secretariat", by=None)  # an import belongs to a secretariat
    call_command("import_declaration", str(path), "--slug", "hostile", "--secretariat", "Hostile test secretariat")
    out = tmp_path / "out.json"
    call_command("export_declaration", "hostile", "--out", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["title"] == data["title"]
    assert exported["sections"] == data["sections"]


def test_import_service_refuses_invalid_data_without_writing() -> None:
    """declaration_import validates before writing: a wrong type leaves the database as it was."""
    before = db_state()
    with pytest.raises(InterchangeError, match="must be a string"):
        declaration_import(data=corpus.minimal_file(title={"en": ["<script>"]}), by=None)
    assert db_state() == before
