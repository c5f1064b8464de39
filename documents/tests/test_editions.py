"""Editions of the submission PDF (issue 21, part 1): each batch of adherences is a new sealed edition that
lists the adherents with their dates and extends the same audit chain; every edition stays verifiable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from declarations.models import Declaration
from documents import services
from documents.editions import submission_edition_issue
from documents.models import ExportJob, IssuedDocument, Kind, Layout
from documents.selectors import document_data, latest_submission, verify_upload
from documents.verification import extract_embedded_files
from signatories.models import Party
from signing import adherence
from signing.models import Signature, Signing, SigningEvent
from signing.services import SigningError

from .helpers import pdftotext, sign_manifesto, user

pytestmark = pytest.mark.django_db


def _adhere(signing: Signing, key: str = "scotland") -> Signature:
    """A DETA member not asked at the signing is invited and adheres in person, today."""
    secretariat = user("secretariat")
    sp = adherence.adherence_invite(signing=signing, party=Party.objects.get(key=key), by=secretariat)
    sp.signing = signing
    return adherence.adherence_record_offline(
        signing_party=sp,
        content_hash=signing.version.content_hash,
        method=Signature.Method.IN_PERSON,
        printed_name=f"First Minister of {sp.party.short_name}",
        printed_title="First Minister",
        adhered_on=timezone.now().date(),
        scan=None,
        by=secretariat,
    )


def _data(signing: Signing, edition: int | None = None) -> Any:
    return document_data(
        version=signing.version, kind=Kind.SUBMISSION, languages=["en"], layout=Layout.SINGLE, edition=edition
    )


def _bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _issue_next(declaration: Declaration, capture: Any) -> IssuedDocument:
    with capture(execute=True):  # the job renders once the edition commits
        job = submission_edition_issue(declaration=declaration, by=user("secretariat"))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY, job.error
    assert job.document is not None
    return job.document


@pytest.fixture
def fake_render(monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "produce_pdf", lambda data, **kw: f"%PDF-fake {data.render_key()}".encode())
    monkeypatch.setattr(services, "_page_count", lambda pdf: 1)


def test_edition_one_never_changes(demo: Declaration) -> None:
    """Adherences and later editions leave edition 1 exactly as signing closed it (same render key)."""
    signing = sign_manifesto(demo)
    before = _data(signing)
    _adhere(signing)
    adherence.edition_declare(signing=signing, by=user("secretariat"))
    after = _data(signing, 1)
    assert after.render_key() == before.render_key() and after.edition == 1 and after.adherences == []
    assert _data(signing).edition == 2


def test_edition_two_lists_the_adherent_and_extends_the_chain(demo: Declaration) -> None:
    """Edition 2: the adherent apart from the signatories, and the chain up to the edition entry."""
    signing = sign_manifesto(demo)
    first = _data(signing)
    scotland = _adhere(signing)
    adherence.edition_declare(signing=signing, by=user("secretariat"))
    second = _data(signing)
    assert [(a.party.key, a.method, a.adhered_at) for a in second.adherences] == [
        ("scotland", "in_person", scotland.signed_at)
    ]
    assert [s.party.key for s in second.signatures] == [s.party.key for s in first.signatures]
    assert "scotland" not in {p.key for p in [*second.not_signed, *second.absent]}
    assert second.events[: len(first.events)] == first.events
    last = SigningEvent.objects.filter(declaration=demo).order_by("-seq").first()
    assert last is not None and second.events[-1].entry_hash == last.entry_hash and last.kind == "edition"
    record = json.loads(second.signature_events_json())
    assert record["edition"] == 2 and record["adherences"][0]["party"] == "scotland"
    assert record["audit_head"] == {"length": last.seq, "entry_hash": last.entry_hash}
    assert second.summary()["adherents"][0]["adhered_on"] == f"{timezone.now():%Y-%m-%d}"


def test_the_pdf_of_edition_two(demo: Declaration, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    """Printed: "Edition 2", the adherent with "Adhered on <date>", the decline still among declines."""
    signing = sign_manifesto(demo)
    _adhere(signing)
    document = _issue_next(demo, django_capture_on_commit_callbacks)
    assert (document.kind, document.edition) == (Kind.SUBMISSION, 2)
    text = " ".join(pdftotext(_bytes(document), tmp_path).split())
    assert "Edition 2, issued" in text
    assert "Parties that adhered after signing closed" in text
    assert f"First Minister of Scotland First Minister Adhered on {timezone.now():%Y-%m-%d}" in text
    signatures = text[text.index("Parties that declined to sign") :]
    assert "Occitanie" in signatures.split("Parties that adhered")[0]  # declined, not a signatory
    assert "1 (listed apart from the signatories)" in text  # the certificate's count of adherences
    assert document.filename() == f"{demo.slug}-submission-edition-2-en-ko.pdf"


def test_every_edition_stays_verifiable(
    demo: Declaration,
    client: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Both editions are authentic; /verify/ and verify_pdf name each and say when a newer one exists;
    verify_audit --against holds for both."""
    signing = sign_manifesto(demo)
    edition_1 = services.document_issue(
        version=signing.version, kind=Kind.SUBMISSION, languages=["en"], layout=None, by=user("secretariat")
    )
    _adhere(signing)
    edition_2 = _issue_next(demo, django_capture_on_commit_callbacks)
    assert edition_1.edition == 1 and edition_2.edition == 2 and latest_submission(demo) == edition_2

    one, two = verify_upload(_bytes(edition_1)), verify_upload(_bytes(edition_2))
    assert one.authentic and (one.edition, one.latest_edition, one.newer_edition) == (1, 2, True)
    assert two.authentic and (two.edition, two.latest_edition, two.newer_edition) == (2, 2, False)

    paths = {}
    for name, document in (("edition-1.pdf", edition_1), ("edition-2.pdf", edition_2)):
        paths[name] = tmp_path / name
        paths[name].write_bytes(_bytes(document))
    page = client.post("/verify/", {"file": paths["edition-1.pdf"].open("rb")}).text
    assert "Authentic" in page and "Edition 1: the record as signing closed." in page
    assert "A newer edition exists: edition 2." in page
    page = client.post("/verify/", {"file": paths["edition-2.pdf"].open("rb")}).text
    assert "Edition 2: the record as signing closed, with the parties that adhered since." in page
    assert "This is the latest edition." in page and "Adherences in this document" in page
    assert "First Minister of Scotland" in page

    call_command("verify_pdf", str(paths["edition-1.pdf"]))
    out = capsys.readouterr().out
    assert "AUTHENTIC" in out and "Edition 1 of the signed record." in out and "NEWER EDITION: edition 2" in out
    call_command("verify_pdf", str(paths["edition-2.pdf"]))
    out = capsys.readouterr().out
    assert "adhered: " in out and "Edition 2 of the signed record." in out and "This is the latest edition." in out

    for path in paths.values():
        call_command("verify_audit", demo.slug, "--against", str(path))
        assert capsys.readouterr().out.startswith("OK:")
    sealed = json.loads(extract_embedded_files(paths["edition-2.pdf"].read_bytes())["signature-events.json"])
    assert sealed["edition"] == 2


def test_nothing_new_is_nothing_to_issue(demo: Declaration, fake_render: None) -> None:
    """Issuing without a new adherence: a message, no audit entry, no job."""
    signing = sign_manifesto(demo)
    events, jobs = SigningEvent.objects.count(), ExportJob.objects.count()
    with pytest.raises(services.ExportError, match="No party has adhered since edition 1"):
        submission_edition_issue(declaration=demo, by=user("secretariat"))
    assert (SigningEvent.objects.count(), ExportJob.objects.count()) == (events, jobs)
    with pytest.raises(SigningError):
        adherence.edition_declare(signing=signing, by=user("secretariat"))


def test_a_refused_pdf_request_declares_no_edition(demo: Declaration, monkeypatch: Any) -> None:
    """The edition entry and the PDF request are one transaction: a refused request leaves no edition."""
    signing = sign_manifesto(demo)
    _adhere(signing)
    events = SigningEvent.objects.count()

    def refuse(**kwargs: Any) -> ExportJob:
        raise services.ExportError("Choose at least one language.")

    monkeypatch.setattr("documents.editions.export_request", refuse)
    with pytest.raises(services.ExportError):
        submission_edition_issue(declaration=demo, by=user("secretariat"))
    assert SigningEvent.objects.count() == events
    assert _data(signing).edition == 1


def test_no_such_edition(demo: Declaration, fake_render: None) -> None:
    signing = sign_manifesto(demo)
    with pytest.raises(services.ExportError, match="There is no edition 3 of the signed record"):
        services.document_issue(
            version=signing.version, kind=Kind.SUBMISSION, languages=["en"], layout=None, by=None, edition=3
        )


def test_the_board_button_issues_the_next_edition(user_client: Any, demo: Declaration, fake_render: None) -> None:
    """Secretariat only (403 for a party, 404 for an outsider); then a job for edition 2."""
    signing = sign_manifesto(demo)
    _adhere(signing)
    url = f"/d/{demo.slug}/pdf/edition/"
    assert user_client("outsider").post(url).status_code == 404
    assert user_client("kyoto.focal").post(url).status_code == 403
    response = user_client("secretariat").post(url)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/pdf/jobs/{job.pk}/")
    assert (job.kind, job.edition) == (Kind.SUBMISSION, 2)
    again = user_client("secretariat").post(url, follow=True)
    assert "No party has adhered since edition 2" in again.text
