"""Creating a declaration from nothing, .docx, Markdown or JSON: preview first, numbers moved out of the text."""

from __future__ import annotations

import io
import json
import zipfile
from io import StringIO
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from declarations.creation import CreationError, declaration_create, read_upload, split_number
from declarations.demo import MANIFESTO_FILE
from declarations.models import ClauseText, Declaration, Section
from signatories.tests.people_factories import make_party, make_secretariat, make_user

pytestmark = pytest.mark.django_db


def numbered_docx(clauses: int = 30) -> bytes:
    """A Word file like a real draft: a title, two headings, clauses numbered in the text."""
    document = docx.Document()
    document.add_heading("Pledge for open regional data", level=0)
    document.add_heading("Preamble", level=1)
    for i in range(1, clauses + 1):
        if i == 11:
            document.add_heading("Article 2 Commitments", level=1)
        document.add_paragraph(f"{i}. We, the signatories, commit to item {i}.")
    document.add_paragraph("Bullet without a number", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _read(raw: bytes, name: str, **kwargs: object):  # type: ignore[no-untyped-def]
    options = {"title": {"en": "Pledge"}, "languages": ["en", "fr"], "source": "en", **kwargs}
    return read_upload(name=name, size=len(raw), read=lambda: raw, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "number", "rest"),
    [
        ("1. We, world leaders", "1.", "We, world leaders"),
        ("1.2. Sub", "1.2.", "Sub"),
        ("(a) letters", "(a)", "letters"),
        ("b) letters", "b)", "letters"),
        ("(iv) roman", "(iv)", "roman"),
        ("Article 3 Scope of this pledge", "Article 3", "Scope of this pledge"),
        ("Art. 12: Entry", "Art. 12:", "Entry"),
        ("e.g. this stays", "", "e.g. this stays"),
        ("1.5% of GDP is a number, not a clause number", "", "1.5% of GDP is a number, not a clause number"),
        ("2023 was a year", "", "2023 was a year"),
        ("1.", "", "1."),
    ],
)
def test_numbers_the_text_carries_are_recognised(text: str, number: str, rest: str) -> None:
    """ "1.", "(a)", "Article 3" … are split off; ordinary openings are not."""
    assert split_number(text) == (number, rest)


def test_docx_headings_become_sections_and_numbered_paragraphs_clauses() -> None:
    """30 numbered paragraphs in two headed sections; the numbers leave the text (no "1. 1. We…")."""
    draft = _read(numbered_docx(), "pledge.docx")
    sections = draft.data["sections"]
    assert [s["heading"]["en"] for s in sections] == ["Pledge for open regional data", "Preamble", "Commitments"]
    assert draft.clause_count() == 31
    first = sections[1]["clauses"][0]
    assert first["text"] == {"en": "We, the signatories, commit to item 1."}
    assert draft.numbers[first["key"]] == "1."
    assert draft.numbers[sections[2]["clauses"][-1]["key"]] == "#"  # Word's own list numbering


def test_markdown_headings_and_list_items() -> None:
    """# headings → sections; each list item or paragraph → a clause."""
    raw = b"# Preamble\n\nWe meet in Seoul.\n\n## Commitments\n\n1. First.\n2. Second\ncontinued.\n- Third\n"
    draft = _read(raw, "pledge.md")
    assert [[c["text"]["en"] for c in s["clauses"]] for s in draft.data["sections"]] == [
        ["We meet in Seoul."],
        ["First.", "Second continued.", "Third"],
    ]


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("pledge.docx", b"just text, not a zip", "not a Word document"),
        ("pledge.docm", b"PK\x03\x04", "macros"),
        ("pledge.pdf", b"%PDF-1.7", "Upload a .docx"),
        ("pledge.md", b"\xff\xfe\x00bad", "UTF-8"),
    ],
)
def test_bad_files_get_a_clear_message(name: str, raw: bytes, message: str) -> None:
    """Not Word, macros, unknown type, not UTF-8: a message, nothing else."""
    with pytest.raises(CreationError, match=message):
        _read(raw, name)


def test_a_docx_renamed_from_docm_is_refused_by_its_content() -> None:
    """A macro-enabled document renamed .docx is caught by its content type."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("[Content_Types].xml", "application/vnd.ms-word.document.macroEnabled.main+xml")
    with pytest.raises(CreationError, match="macros"):
        _read(raw.getvalue(), "innocent.docx")


def test_a_50_mb_upload_is_refused_before_it_is_read() -> None:
    """The size is checked first: `read` is never called."""

    def read() -> bytes:
        raise AssertionError("read")

    with pytest.raises(CreationError, match="at most 10 MB"):
        read_upload(name="big.docx", size=50 * 1024 * 1024, read=read, title={"en": "T"}, languages=["en"], source="en")


def test_creating_gives_rights_to_the_secretariat_and_a_short_slug() -> None:
    """The members may edit it, others get 404; the slug is at most 40 characters, cut at a word."""
    secretariat, member = make_secretariat()
    title = "A very long title of a pledge on open regional data for the twenty-first century"
    draft = _read(numbered_docx(3), "p.docx", title={"en": title})
    declaration = declaration_create(draft=draft, secretariat=secretariat, by=member)
    assert declaration.slug == "a-very-long-title-of-a-pledge-on-open"
    assert declaration.secretariat == secretariat
    assert ClauseText.objects.filter(clause__declaration=declaration, text__startswith="1.").count() == 0
    client = Client()
    client.force_login(member)
    assert client.get(reverse("declarations:detail", args=[declaration.slug])).status_code == 200
    with pytest.raises(CreationError, match="not a member"):
        declaration_create(draft=draft, secretariat=secretariat, by=make_user("stranger"))
    again = declaration_create(draft=draft, secretariat=secretariat, by=member)
    assert again.slug == "a-very-long-title-of-a-pledge-on-open-2"


def test_the_browser_flow_previews_before_anything_is_saved() -> None:
    """Upload → preview (numbers shown, nothing saved) → create → the parties page."""
    secretariat, member = make_secretariat()
    client = Client()
    client.force_login(member)
    before = Declaration.objects.count()
    upload = io.BytesIO(numbered_docx(30))
    upload.name = "pledge.docx"
    form = {
        "languages": "en, fr",
        "source_language": "en",
        "title": "Open data pledge",
        "other_titles": "fr: Engagement",
        "file": upload,
    }
    response = client.post(reverse("declarations:new"), form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == reverse("declarations:new_preview")
    page = client.get(reverse("declarations:new_preview")).content.decode()
    assert "31 clauses" in page and "30 numbers found in the text" in page
    assert Declaration.objects.count() == before
    response = client.post(reverse("declarations:new_preview"))
    declaration = Declaration.objects.get(secretariat=secretariat)
    assert declaration.title == {"en": "Open data pledge", "fr": "Engagement"}
    assert response["Location"] == reverse("declarations:parties", args=[declaration.slug])
    assert Section.objects.filter(declaration=declaration).count() == 3


def test_an_empty_declaration_and_a_bad_upload_in_the_browser() -> None:
    """No file: an empty text; a .docm: the form again with the message, nothing created."""
    secretariat, member = make_secretariat()
    client = Client()
    client.force_login(member)
    bad = io.BytesIO(b"PK")
    bad.name = "x.docm"
    page = client.post(
        reverse("declarations:new"), {"languages": "en", "source_language": "en", "title": "T", "file": bad}
    )
    assert "macros" in page.content.decode()
    client.post(reverse("declarations:new"), {"languages": "en ko", "source_language": "en", "title": "Empty start"})
    client.post(reverse("declarations:new_preview"))
    declaration = Declaration.objects.get(secretariat=secretariat)
    assert declaration.languages == ["en", "ko"] and not declaration.clauses.exists()


def test_parties_from_the_un_list_and_the_directory_and_removal() -> None:
    """Tick UN states, add a directory party, remove one that has not acted."""
    secretariat, member = make_secretariat()
    draft = _read(numbered_docx(2), "p.docx")
    declaration = declaration_create(draft=draft, secretariat=secretariat, by=member)
    make_party("aer", kind="international organisation")
    client = Client()
    client.force_login(member)
    url = reverse("declarations:parties_add", args=[declaration.slug])
    client.post(url, {"un_states": ["FR", "KR", "SN"]})
    client.post(url, {"parties": ["aer"]})
    keys = set(declaration.participations.values_list("party__key", flat=True))
    assert keys == {"un-fra", "un-kor", "un-sen", "aer"}
    client.post(reverse("declarations:party_remove", args=[declaration.slug, "un-sen"]))
    assert not declaration.participations.filter(party__key="un-sen").exists()
    client.post(url, {"un": "all"})
    assert declaration.participations.filter(party__key__startswith="un-").count() == 193
    outsider = Client()
    outsider.force_login(make_user("stranger"))
    assert outsider.get(reverse("declarations:parties", args=[declaration.slug])).status_code == 404


def test_create_declaration_and_import_parties_commands(no_demo: None, tmp_path: Path) -> None:
    """create_declaration --from (.docx/.json); import_parties FILE --declaration SLUG; invite."""
    with pytest.raises(CommandError, match="no secretariat"):
        call_command("create_declaration", "--from", str(MANIFESTO_FILE), stdout=StringIO())
    call_command("create_secretariat", "Alliance", stdout=StringIO())
    path = tmp_path / "pledge.docx"
    path.write_bytes(numbered_docx(5))
    out = StringIO()
    call_command(
        "create_declaration", "--from", str(path), "--title", "Open data pledge", "--languages", "en,fr", stdout=out
    )
    assert "6 clauses, 5 numbers moved" in out.getvalue()
    call_command("create_declaration", "--from", str(MANIFESTO_FILE), "--secretariat", "Alliance", stdout=StringIO())
    assert Declaration.objects.count() == 2
    csv = tmp_path / "companies.csv"
    csv.write_text("key;name_en;kind;country\nacme;Acme;company;FR\n", encoding="utf-8-sig")
    call_command("import_parties", str(csv), "--declaration", "open-data-pledge", stdout=StringIO())
    assert Declaration.objects.get(slug="open-data-pledge").participations.filter(party__key="acme").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("key;name_en;kind\nacme;Acme;rocket\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_parties", str(bad), stdout=StringIO(), stderr=StringIO())
    call_command("invite", "anne@example.org", "--party", "acme", "--role", "signatory", stdout=StringIO())
    call_command("invite", "bob@example.org", "--secretariat", "Alliance", stdout=StringIO())
    with pytest.raises(CommandError, match="No party"):
        call_command("invite", "c@example.org", "--party", "nowhere", "--role", "signatory", stdout=StringIO())
    data = json.loads(MANIFESTO_FILE.read_text(encoding="utf-8"))
    assert data  # the manifesto is valid input for both commands
