"""Issue 18, defects 4 and 8: one-line fields refuse line breaks and control characters at every entry
point; a refused NUL comes back visibly marked and is refused again until removed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from config.text import NUL_MARK, LineField, TextField, one_line, single_line_problem
from consultations.models import CommentRound
from declarations.interchange import InterchangeError, parse
from declarations.models import ClauseText, Declaration, Section
from declarations.services import DeclarationError, version_publish
from signatories.services import PartyError, party_upsert
from signing.models import SigningParty
from signing.services import SigningError, signatory_designate
from signing.tests import signing_helpers as signing

from . import corpus
from .conftest import CLAUSE_KEY, db_state, user

pytestmark = pytest.mark.django_db

LINE_BREAKS = ["a\nb", "a\rb", "a\u2028b", "a\u0085b", "a\x0bb"]
CONTROLS = ["a\tb", "a\x1bb", "a\x7fb", "a\x9bb"]
BIDI = ["evil\u202e", "a\u2066b", "\u200fx", "x\u061c"]


@pytest.mark.parametrize("value", [*LINE_BREAKS, *CONTROLS, *BIDI, "a\x00b", f"a{NUL_MARK}b"])
def test_one_line_rule_refuses(value: str) -> None:
    """Line breaks, C0/C1 controls (TAB too), NUL and its marker, and direction controls are refused."""
    assert single_line_problem(value) is not None
    assert not LineField(required=False).widget.is_hidden
    with pytest.raises(Exception, match=r"character|line"):
        LineField().clean(value)


@pytest.mark.parametrize(
    "value", ["제1조 신뢰할 수 있는 AI", corpus.EMOJI.text, "Ministre déléguée — « numérique »", "مرحبا", "नमस्ते"]
)
def test_one_line_rule_keeps_what_scripts_need(value: str) -> None:
    """Korean, Arabic, Devanagari (with ZWJ/ZWNJ), emoji sequences and variation selectors pass."""
    assert single_line_problem(value) is None
    assert LineField().clean(value) == value


def test_mail_subject_is_one_line_whatever_it_is_given() -> None:
    """one_line() makes any text a safe header value."""
    assert one_line("Title\r\nBcc: x@evil.example\u2028more\t!") == "Title Bcc: x@evil.example more !"


def test_imported_title_with_a_line_break_is_refused(tmp_path: Path) -> None:
    """The issue's attack: a title with a line break in an import file is refused, naming the field."""
    data = corpus.minimal_file(title={"en": "Line one\nBcc: everyone@example.org"})
    with pytest.raises(InterchangeError) as error:
        parse(json.dumps(data))
    assert error.value.path == "title.en" and "line break" in error.value.message
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match=r"invalid field title\.en: .*line break"):
        call_command("import_declaration", str(path))
    assert not Declaration.objects.filter(slug="line-one").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("heading", {"en": "Intro\u202e"}),
        ("heading", {"en": "Intro\tpart"}),
        ("versions", [{"language": "en", "label": "v1\r\nv2"}]),
    ],
)
def test_import_refuses_bad_one_line_values(field: str, value: Any) -> None:
    """Headings and provenance labels in an import file are one line too."""
    if field == "heading":
        data = corpus.minimal_file(
            sections=[{"key": "intro", "heading": value, "clauses": [{"key": "c", "text": {"en": "x"}}]}]
        )
    else:
        data = corpus.minimal_file(versions=value)
    with pytest.raises(InterchangeError):
        parse(json.dumps(data))


def test_a_stored_title_with_a_line_break_no_longer_breaks_opening_a_round(
    demo: Declaration, user_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A title stored before this rule (line break and all) opens a round: 302, round made, mail sent, one-line subject."""
    Declaration.objects.filter(pk=demo.pk).update(title={**demo.title, "en": "Manifesto\nBcc: all@example.org"})
    version = demo.versions.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client("secretariat").post(
            f"/d/{demo.slug}/rounds/new/",
            {
                "version": version.pk,
                "deadline": "2099-01-01T12:00",
                "time_zone": "UTC",
                "visibility": CommentRound.Visibility.IMMEDIATE,
                "parties": list(demo.participations.values_list("party_id", flat=True)),
            },
        )
    assert response.status_code == 302
    assert CommentRound.objects.filter(declaration=demo).exists()
    assert mail.outbox, "no e-mail was sent"
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "Manifesto Bcc: all@example.org" in message.subject


def test_forms_refuse_line_breaks_in_headings_and_labels(demo: Declaration, user_client: Any) -> None:
    """A heading, a version label or a reason with a line break or a direction control: refused, nothing written."""
    client = user_client("secretariat")
    before = db_state()
    for value in ("Heading\nline two", "Heading \u202eevil"):
        response = client.post(f"/d/{demo.slug}/sections/add/", {"text_en": value})
        assert response.status_code == 400
        assert "\u202e" not in response.content.decode()  # handed back with a marker: the box shows it as typed
        assert "one line" in response.content.decode() or "Direction control" in response.content.decode()
        response = client.post(f"/d/{demo.slug}/versions/publish/", {"label": value, "note": "fine\nnote"})
        assert response.status_code in (200, 400)
        assert "one line" in response.content.decode() or "Direction control" in response.content.decode()
    assert db_state() == before
    assert not Section.objects.filter(heading__en__startswith="Heading").exists()
    assert (
        'value="Heading ⟨RLO⟩evil"'
        in client.post(f"/d/{demo.slug}/sections/add/", {"text_en": "Heading \u202eevil"}).content.decode()
    )


def test_services_refuse_what_forms_refuse(demo: Declaration) -> None:
    """Commands and other callers meet the same rule in the services."""
    with pytest.raises(DeclarationError, match="line break"):
        version_publish(declaration=demo, label="v2\nv3", by=user("secretariat"))
    with pytest.raises(PartyError, match="Direction control"):
        party_upsert(data={"key": "evil", "name": {"en": "Evil \u202eOrg"}}, by=None)
    sign = signing.open_signing(demo)
    sp = SigningParty.objects.get(signing=sign, party__key="gyeonggi")
    with pytest.raises(SigningError, match="Control characters"):
        signatory_designate(
            signing_party=sp,
            user=user("gyeonggi.signatory"),
            printed_name="Kim\tJi-ho",
            printed_title="Governor",
            by=user("gyeonggi.focal"),
        )


def _edit_url(demo: Declaration) -> str:
    return f"/d/{demo.slug}/clauses/{CLAUSE_KEY}/edit/en/"


def test_nul_comes_back_marked_and_is_refused_until_removed(demo: Declaration, user_client: Any) -> None:
    """The issue's round trip: the refused text comes back with ␀ (not U+FFFD), saving it again is
    refused, and the text without the mark is saved as typed."""
    client = user_client("secretariat")
    current = ClauseText.objects.get(clause__key=CLAUSE_KEY, language="en")
    response = client.post(_edit_url(demo), {"text": "Before\x00after", "base_revision": current.revision})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Before{NUL_MARK}after" in page and "\x00" not in page and "\ufffd" not in page
    assert "character 7" in page
    again = client.post(_edit_url(demo), {"text": f"Before{NUL_MARK}after", "base_revision": current.revision})
    assert again.status_code == 400
    assert ClauseText.objects.get(pk=current.pk).text == current.text
    fixed = client.post(_edit_url(demo), {"text": "Beforeafter", "base_revision": current.revision})
    assert fixed.status_code == 302
    assert ClauseText.objects.get(pk=current.pk).text == "Beforeafter"


def test_every_text_field_of_every_form_follows_the_rules() -> None:
    """No form keeps a plain CharField for text people type (it would hand NUL back as U+FFFD)."""
    from django import forms

    from consultations import forms as consultation_forms
    from declarations import forms as drafting_forms
    from documents import forms as document_forms
    from signing import forms as signing_forms

    plain: list[str] = []
    for module in (consultation_forms, drafting_forms, document_forms, signing_forms):
        for name in dir(module):
            form = getattr(module, name)
            if isinstance(form, type) and issubclass(form, forms.Form) and form.__module__ == module.__name__:
                for field_name, field in form.base_fields.items():
                    typed = not isinstance(field.widget, forms.HiddenInput | forms.PasswordInput)
                    if type(field) is forms.CharField and typed:
                        plain.append(f"{name}.{field_name}")
    assert plain == []
    assert isinstance(drafting_forms.ClauseTextForm.base_fields["text"], TextField)
