"""Word export: a version, and the redline between two versions as real tracked changes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from docx import Document

from declarations import services
from declarations.docx_export import build_docx, marker_name, parse_identifier, secretariat_author, word_date
from declarations.models import Clause, ClauseText, Declaration, DeclarationVersion, Section
from declarations.redline import diff_documents_all

from .docx_reading import clause_runs, document_xml, q

pytestmark = pytest.mark.django_db


def merged(ops: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for op in ops:
        if not op.text:
            continue
        if out and out[-1][0] == op.kind:
            out[-1] = (op.kind, out[-1][1] + op.text)
        else:
            out.append((op.kind, op.text))
    return out


def publish_second_version(demo: Declaration) -> DeclarationVersion:
    """Version 2: two clauses edited in both languages, one deleted, one added (with a line break)."""
    secretariat = get_user_model().objects.get(username="secretariat")
    for key, (en, ko) in {
        "diagnosis": ("The successful integration of AI", "AI의 성공적인 통합"),
        "vision": (None, "비전이 바뀌었습니다"),
    }.items():
        clause = Clause.objects.get(declaration=demo, key=key)
        for language, text in (("en", en), ("ko", ko)):
            if text is None:
                continue
            current = ClauseText.objects.get(clause=clause, language=language)
            services.clause_text_update(
                clause=clause,
                language=language,
                text=current.text + " " + text,
                base_revision=current.revision,
                by=secretariat,
            )
    last = (
        Clause.objects.filter(declaration=demo, deleted_at__isnull=True)
        .order_by("section__position", "position")
        .last()
    )
    assert last is not None
    services.clause_delete(clause=last, by=secretariat, reason="test")
    section = Section.objects.filter(declaration=demo).order_by("position").first()
    assert section is not None
    services.clause_add(section=section, texts={"en": "A new clause.\nSecond line.", "ko": "새 조항."}, by=secretariat)
    return services.version_publish(declaration=demo, label="Draft 2", by=secretariat)


def test_version_export_has_every_clause_with_its_marker_and_number(demo: Declaration) -> None:
    """Each clause paragraph is numbered as Accord numbers it and carries its declaration/version/clause bookmark."""
    version = demo.versions.get(number=1)
    data = build_docx(declaration=demo, version=version)
    runs = clause_runs(data)
    snapshot = version.snapshot
    for section in snapshot["sections"]:
        for clause in section["clauses"]:
            for language in ("en", "ko"):
                assert runs[marker_name(demo.pk, 1, language, clause["key"])] == [("equal", clause["text"][language])]
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts.count(f"1.\t{snapshot['sections'][0]['clauses'][0]['text']['en']}") == 1
    assert parse_identifier(document.core_properties.identifier) == (demo.pk, demo.slug, None, 1)
    assert not list(document_xml(data).iter(q("ins"), q("del")))


def test_redline_export_equals_accords_redline(demo: Declaration) -> None:
    """Insertions and deletions in the .docx are exactly Accord's redline, per clause and language."""
    new = publish_second_version(demo)
    old = demo.versions.get(number=1)
    data = build_docx(declaration=demo, version=new, compare_to=old)
    runs = clause_runs(data)
    diffs = diff_documents_all(old.snapshot, new.snapshot, ["en", "ko"])
    kinds: set[str] = set()
    for language, diff in diffs.items():
        for clause in diff.clauses():
            expected = merged(clause.ops)
            assert runs[marker_name(demo.pk, 2, language, clause.key)] == expected, clause.key
            kinds.update(kind for kind, _ in expected)
    assert kinds == {"equal", "insert", "delete"}
    root = document_xml(data)
    changes = list(root.iter(q("ins"), q("del")))
    assert changes
    assert {c.get(q("author")) for c in changes} == {secretariat_author(demo)}
    assert {c.get(q("date")) for c in changes} == {word_date(new.published_at)}
    # The removed clause's paragraph mark is tracked too, so accepting all changes leaves no empty paragraph.
    assert any(c.getparent().tag == q("rPr") and c.tag == q("del") for c in changes)


def test_side_by_side_table_has_one_column_per_language(demo: Declaration) -> None:
    """The table layout puts languages side by side, each cell a marked clause paragraph."""
    version = demo.versions.get(number=1)
    data = build_docx(declaration=demo, version=version, layout="table", languages=["ko", "en"])
    document = Document(io.BytesIO(data))
    table = document.tables[0]
    assert len(table.columns) == 2
    first_clause = version.snapshot["sections"][0]["clauses"][0]
    assert table.rows[2].cells[0].text == f"1.\t{first_clause['text']['ko']}"
    assert table.rows[2].cells[1].text == f"1.\t{first_clause['text']['en']}"
    assert marker_name(demo.pk, 1, "ko", first_clause["key"]) in clause_runs(data)


def test_long_clause_keys_get_a_short_stable_marker() -> None:
    """Word keeps bookmark names of at most 40 characters: long keys are hashed, stably."""
    name = marker_name(12, 3, "zh-Hant", "a-very-long-clause-key-that-goes-on-and-on")
    assert len(name) <= 40 and name.startswith("accord_12_v3_zh_Hant_h")
    assert name == marker_name(12, 3, "zh-Hant", "a-very-long-clause-key-that-goes-on-and-on")
    assert marker_name(12, 3, "en", "vision") == "accord_12_v3_en_vision"


def test_views_and_outsiders(demo: Declaration, user_client: Any) -> None:
    """Participants download the version and the redline; outsiders get 404."""
    publish_second_version(demo)
    url = f"/d/{demo.slug}/versions/2/export.docx"
    response = user_client("gyeonggi.reviewer").get(url + "?compare_to=1&languages=ko")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{demo.slug}-v1-v2-redline.docx"'
    names = clause_runs(response.content)
    assert names and all("_ko_" in name for name in names)
    assert user_client("outsider").get(url).status_code == 404
    assert user_client("gyeonggi.reviewer").get(f"/d/{demo.slug}/versions/9/export.docx").status_code == 404
    page = user_client("gyeonggi.reviewer").get(f"/d/{demo.slug}/versions/2/")
    assert b"export.docx?compare_to=1" in page.content


def test_command_writes_the_file(demo: Declaration, tmp_path: Path) -> None:
    """manage.py export_docx SLUG --version N --compare-to M --languages en --out F.docx"""
    publish_second_version(demo)
    out = tmp_path / "redline.docx"
    call_command(
        "export_docx", demo.slug, "--version", "2", "--compare-to", "1", "--languages", "en", "--out", str(out)
    )
    names = clause_runs(out.read_bytes())
    assert names and all("_en_" in name for name in names)
