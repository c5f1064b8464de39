"""Issue 18, defect 6: direction controls in long texts are kept as stored but shown as visible
markers that reorder nothing — on pages, in e-mails, in the XLSX matrix and in the PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from openpyxl import load_workbook

from config.text import BIDI_CONTROLS, hidden_format_characters, show_controls
from consultations import services as rounds
from consultations.matrix import matrix_xlsx
from declarations.models import ClauseText, Declaration
from declarations.services import clause_text_update, version_publish
from declarations.tests.reading import read_declaration
from documents.models import Kind
from documents.services import document_issue
from signatories.models import Party

from . import corpus
from .conftest import CLAUSE_KEY, clause, open_round, user

pytestmark = pytest.mark.django_db

# Stored "evil" after a RIGHT-TO-LEFT OVERRIDE: a browser, Excel or a PDF shows it as "live".
EVIL = "Pay the sum to \u202eevil\u202c account 1234."
SHOWN = "Pay the sum to ⟨RLO⟩evil⟨PDF⟩ account 1234."


def _no_controls(text: str) -> bool:
    return not any(c in BIDI_CONTROLS for c in text)


def _set_clause(demo: Declaration, text: str) -> ClauseText:
    current = ClauseText.objects.get(clause__key=CLAUSE_KEY, language="en")
    clause_text_update(
        clause=clause(demo), language="en", text=text, base_revision=current.revision, by=user("secretariat")
    )
    return ClauseText.objects.get(pk=current.pk)


def test_markers_replace_every_direction_control() -> None:
    """Each of the twelve controls becomes a marker; text without them is returned as it is."""
    assert show_controls(EVIL) == SHOWN
    assert _no_controls(show_controls(corpus.BIDI_CONTROLS.text))
    assert show_controls(corpus.EMOJI.text) is corpus.EMOJI.text


def test_clause_text_is_stored_intact_and_shown_with_markers(demo: Declaration, user_client: Any) -> None:
    """The stored text keeps the override; the declaration page, the clause page, the history and the
    comparison show markers and contain no direction control at all."""
    stored = _set_clause(demo, EVIL)
    assert stored.text == EVIL
    client = user_client("gyeonggi.reviewer")
    pages = {
        "declaration text": read_declaration(client, f"/d/{demo.slug}/").content.decode(),
        "history": client.get(f"/d/{demo.slug}/clauses/{CLAUSE_KEY}/history/").content.decode(),
    }
    for name, page in pages.items():
        assert "⟨RLO⟩evil⟨PDF⟩" in page, name
        assert _no_controls(page), name


def test_the_editor_keeps_the_stored_text(demo: Declaration, user_client: Any) -> None:
    """The edit form holds the text as stored (saving it again changes nothing); the text beside it shows markers."""
    _set_clause(demo, EVIL)
    page = user_client("secretariat").get(f"/d/{demo.slug}/clauses/{CLAUSE_KEY}/edit/en/").content.decode()
    assert "\u202eevil\u202c" in page.split("<textarea", 1)[1].split("</textarea>", 1)[0]


def test_comments_and_decisions_show_markers_on_pages_and_in_e_mail(
    demo: Declaration, user_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A comment and a disposition reason with an override: markers on the round page and in the party's e-mail."""
    rnd = open_round(demo)
    gyeonggi = Party.objects.get(key="gyeonggi")
    comment = rounds.comment_create(
        round=rnd, party=gyeonggi, kind="general", language="en", text=EVIL, by=user("gyeonggi.reviewer")
    )
    rounds.party_submit(round=rnd, party=gyeonggi, by=user("gyeonggi.focal"))
    comment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        rounds.comment_dispose(comment=comment, disposition="noted", reason=EVIL, by=user("secretariat"))
    page = user_client("gyeonggi.reviewer").get(f"/d/{demo.slug}/rounds/{rnd.number}/").content.decode()
    assert page.count("⟨RLO⟩evil⟨PDF⟩") >= 2 and _no_controls(page)
    detail = user_client("gyeonggi.reviewer").get(f"/d/{demo.slug}/rounds/{rnd.number}/comments/{comment.pk}/")
    assert "⟨RLO⟩evil⟨PDF⟩" in detail.content.decode() and _no_controls(detail.content.decode())
    assert mail.outbox
    for message in mail.outbox:
        assert _no_controls(str(message.subject)) and _no_controls(str(message.body))
    assert any(SHOWN in m.body for m in mail.outbox)


def test_the_xlsx_matrix_shows_markers(demo: Declaration) -> None:
    """Excel would reorder the cell: it holds the markers instead of the controls."""
    rnd = open_round(demo)
    gyeonggi = Party.objects.get(key="gyeonggi")
    rounds.comment_create(
        round=rnd, party=gyeonggi, kind="general", language="en", text=EVIL, by=user("gyeonggi.reviewer")
    )
    rounds.party_submit(round=rnd, party=gyeonggi, by=user("gyeonggi.focal"))
    sheet = load_workbook(io.BytesIO(matrix_xlsx(rnd))).active
    assert sheet is not None
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert SHOWN in values
    assert all(_no_controls(v) for v in values)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_pdf_text_reads_in_stored_order(demo: Declaration, seal: Any, tmp_path: Path) -> None:
    """pdftotext of the version PDF reads "evil" where it is stored, with the markers, never "live"."""
    _set_clause(demo, EVIL)
    version = version_publish(declaration=demo, label="Bidi", by=user("secretariat"))
    issued = document_issue(
        version=version, kind=Kind.DRAFT, languages=["en"], layout="sequential", by=user("secretariat")
    )
    path = tmp_path / "doc.pdf"
    path.write_bytes(issued.file.read())
    text = subprocess.run(  # noqa: S603 - poppler's pdftotext on our own file
        [shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", " ", text)
    assert SHOWN in flat
    assert "live" not in flat.split("Pay the sum to", 1)[1][:40]
    assert _no_controls(text)


def test_secretariat_is_warned_about_invisible_format_characters(demo: Declaration, user_client: Any) -> None:
    """A zero-width space or an override in a clause: the secretariat sees a warning, a reviewer does not;
    ZWJ in emoji and ZWNJ in Persian raise none."""
    assert hidden_format_characters(corpus.EMOJI.text + " می\u200cخواهم") == []
    assert hidden_format_characters("a\u200bb\u202e") == ["U+200B ZERO WIDTH SPACE", "U+202E RIGHT-TO-LEFT OVERRIDE"]
    _set_clause(demo, "Trust\u200bworthy AI.")
    warned = read_declaration(user_client("secretariat"), f"/d/{demo.slug}/").content.decode()
    assert "U+200B ZERO WIDTH SPACE" in warned
    assert "U+200B" not in read_declaration(user_client("gyeonggi.reviewer"), f"/d/{demo.slug}/").content.decode()
    form = user_client("secretariat").get(f"/d/{demo.slug}/clauses/{CLAUSE_KEY}/edit/en/").content.decode()
    assert "U+200B ZERO WIDTH SPACE" in form
    _set_clause(demo, corpus.EMOJI.text)
    assert (
        "Invisible format characters"
        not in read_declaration(user_client("secretariat"), f"/d/{demo.slug}/").content.decode()
    )


def test_the_hidden_character_class_is_this_pythons_unicode() -> None:
    """HIDDEN_FORMAT_RE holds every Cf character but those scripts need, per this Python's Unicode database."""
    import sys
    import unicodedata

    from config.text import HIDDEN_FORMAT_RE, SCRIPT_FORMAT_CHARACTERS

    expected = {
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cf" and chr(c) not in SCRIPT_FORMAT_CHARACTERS
    }
    matched = {chr(c) for c in range(sys.maxunicode + 1) if HIDDEN_FORMAT_RE.fullmatch(chr(c))}
    assert matched == expected
    assert matched >= BIDI_CONTROLS
