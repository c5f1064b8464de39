"""Import and export of Accord's interchange format."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from declarations.demo import MANIFESTO_FILE
from declarations.interchange import InterchangeError, content_hash, parse
from declarations.models import Clause, ClauseText, Declaration, Section
from signatories.people import secretariat_create


@pytest.fixture(autouse=True)
def _secretariat(no_demo: None) -> None:
    """An import belongs to a secretariat (issue 20); these tests use the only one, in a fresh installation."""
    secretariat_create(name="Interchange test secretariat", by=None)


def _export(slug: str, *extra: str) -> str:
    out = StringIO()
    call_command("export_declaration", slug, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_then_export_round_trips_byte_for_byte(tmp_path: Path) -> None:
    """Importing the manifesto and exporting it gives back the very same file."""
    call_command("import_declaration", str(MANIFESTO_FILE), stdout=StringIO())
    declaration = Declaration.objects.get()
    assert _export(declaration.slug) == MANIFESTO_FILE.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_export_with_custom_slug_reimports_identically(tmp_path: Path) -> None:
    """A file that names its slug keeps it through export and import."""
    call_command("import_declaration", str(MANIFESTO_FILE), "--slug", "manifesto", stdout=StringIO())
    first = _export("manifesto")
    assert json.loads(first)["slug"] == "manifesto"
    path = tmp_path / "m.json"
    path.write_text(first.replace('"slug": "manifesto"', '"slug": "manifesto-copy"'), encoding="utf-8")
    call_command("import_declaration", str(path), stdout=StringIO())
    assert _export("manifesto-copy") == first.replace('"slug": "manifesto"', '"slug": "manifesto-copy"')


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("languages"), "languages"),
        (lambda d: d["sections"][2]["clauses"][1].update(text={"en": 5}), "sections[2].clauses[1].text.en"),
        (lambda d: d["sections"][1]["clauses"][0].update(key="Bad Key!"), "sections[1].clauses[0].key"),
        (lambda d: d["sections"][0]["clauses"][0]["text"].update(fr="bonjour"), "sections[0].clauses[0].text.fr"),
        (lambda d: d["sections"][3]["clauses"][0].update(key="diagnosis"), "sections[3].clauses[0].key"),
        (lambda d: d["sections"][4]["clauses"][0]["text"].pop("en"), "sections[4].clauses[0].text.en"),
        (lambda d: d.update(extra=1), "extra"),
    ],
)
def test_malformed_file_is_rejected_naming_the_field_and_imports_nothing(tmp_path: Path, mutate, field) -> None:  # type: ignore[no-untyped-def]
    """A bad file gets a message naming the bad field, and the database stays unchanged."""
    data = json.loads(MANIFESTO_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_declaration", str(path), stdout=StringIO())
    assert field in str(excinfo.value)
    assert "Nothing was imported" in str(excinfo.value)
    assert (
        Declaration.objects.count()
        == Section.objects.count()
        == Clause.objects.count()
        == ClauseText.objects.count()
        == 0
    )


@pytest.mark.django_db
def test_not_json_is_rejected(tmp_path: Path) -> None:
    """A file that is not JSON at all is refused with a clear message."""
    path = tmp_path / "bad.json"
    path.write_bytes(b"\x00\xff{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_declaration", str(path), stdout=StringIO())
    assert not Declaration.objects.exists()


def test_content_hash_is_stable_and_sensitive_to_every_character() -> None:
    """The same text gives the same hash; one changed character in any language changes it."""
    data = parse(MANIFESTO_FILE.read_bytes())
    again = parse(MANIFESTO_FILE.read_bytes())
    assert content_hash(data) == content_hash(again)
    again["sections"][4]["clauses"][5]["text"]["ko"] += " "
    assert content_hash(data) != content_hash(again)
    third = parse(MANIFESTO_FILE.read_bytes())
    third["versions"] = []  # provenance labels are not part of the text
    assert content_hash(third) == content_hash(data)


def test_invalid_json_structure_raises_interchange_error() -> None:
    """Validation names the path of the first problem."""
    with pytest.raises(InterchangeError) as excinfo:
        parse(b'{"languages": ["en"], "title": {"en": "T"}, "sections": [{"key": "a", "clauses": [{}]}]}')
    assert excinfo.value.path == "sections[0].clauses[0].key"
