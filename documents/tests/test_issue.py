"""Issuing PDFs: one rendering per distinct request, text from the frozen snapshot, current signatures only."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import TestCase

from declarations.models import ClauseText, Declaration
from declarations.services import version_publish
from documents import services
from documents.compose import ArchivalCheckError, document_context
from documents.models import ExportJob, IssuedDocument, Kind, Layout
from documents.selectors import document_data
from signing import services as signing_services
from signing.images import clean_signature_image

from .helpers import PRINTED, _signing_party, pdftotext, sign_manifesto, signature_png, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_render(monkeypatch: Any) -> list[str]:
    """Replace the (slow) rendering with distinct fake bytes; record each call."""
    calls: list[str] = []

    def produce(data: Any, *, images: Any, **kwargs: Any) -> bytes:
        calls.append(data.render_key())
        return f"%PDF-fake {len(calls)} {data.render_key()}".encode()

    monkeypatch.setattr(services, "produce_pdf", produce)
    monkeypatch.setattr(services, "_page_count", lambda pdf: 1)
    return calls


def test_same_request_renders_once(demo: Declaration, fake_render: list[str]) -> None:
    """A second identical request returns the issued document without rendering again."""
    version = demo.versions.get()
    first = services.document_issue(version=version, kind=Kind.DRAFT, languages=["en", "ko"], layout=None, by=None)
    again = services.document_issue(
        version=version, kind=Kind.DRAFT, languages=["en", "ko"], layout=Layout.SIDE_BY_SIDE, by=None
    )
    assert first.pk == again.pk and len(fake_render) == 1
    assert first.layout == Layout.SIDE_BY_SIDE


def test_other_options_are_other_documents(demo: Declaration, fake_render: list[str]) -> None:
    """Languages and layout are part of the cache key."""
    version = demo.versions.get()
    for languages, layout in ((["en"], None), (["ko"], None), (["en", "ko"], "sequential"), (["ko", "en"], None)):
        services.document_issue(version=version, kind=Kind.DRAFT, languages=languages, layout=layout, by=None)
    assert IssuedDocument.objects.count() == 4 == len(set(fake_render))


def test_options_are_checked(demo: Declaration) -> None:
    """Unknown languages and an impossible layout are refused with a message."""
    version = demo.versions.get()
    with pytest.raises(services.ExportError, match="no text in fr"):
        services.export_options(version=version, languages=["en", "fr"], layout=None)
    with pytest.raises(services.ExportError, match="at least one"):
        services.export_options(version=version, languages=[], layout=None)
    assert services.export_options(version=version, languages=["ko"], layout="sequential") == (["ko"], "single")


def test_new_signature_events_make_a_new_submission(demo: Declaration, fake_render: list[str]) -> None:
    """The signature set is part of the key: the submission differs from a version PDF of the same text."""
    signing = sign_manifesto(demo)
    submission = services.document_issue(
        version=signing.version, kind=Kind.SUBMISSION, languages=["en"], layout=None, by=None
    )
    draft = services.document_issue(version=signing.version, kind=Kind.DRAFT, languages=["en"], layout=None, by=None)
    assert submission.signature_digest != draft.signature_digest
    assert [s["printed_name"] for s in submission.summary["signatories"]] == [
        PRINTED[k][0] for k in ("gyeonggi", "catalonia", "kyoto")
    ]


def test_failed_rendering_fails_the_job(
    demo: Declaration, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """An error while rendering ends the job as failed with its reason, never stuck in rendering."""

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise ArchivalCheckError("no GTS_PDFA1 output intent")

    monkeypatch.setattr(services, "produce_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_request(
            declaration=demo,
            version=demo.versions.get(),
            kind=Kind.DRAFT,
            languages=["en"],
            layout=None,
            by=user("observer"),
        )
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "output intent" in job.error and job.finished_at is not None


def test_version_pdf_prints_the_frozen_text_with_a_draft_watermark(demo: Declaration, tmp_path: Any) -> None:
    """Text comes from the published snapshot, not the live draft; a non-final version says "Draft — version 1"."""
    version = demo.versions.get()
    live = ClauseText.objects.get(clause__declaration=demo, clause__key="vision", language="en")
    published_text = live.text
    live.text = "An edit made after publication must not appear."
    live.save()
    document = services.document_issue(version=version, kind=Kind.DRAFT, languages=["en"], layout=None, by=None)
    with document.file.open("rb") as handle:
        text = " ".join(pdftotext(handle.read(), tmp_path).split())
    assert " ".join(published_text.split()) in text
    assert "must not appear" not in text
    assert "Draft" in text  # "Draft for consultation" on the title page
    assert "Draft — version 1" not in text  # the watermark is an image: it never mixes into the text


def test_only_versions_that_are_not_final_are_watermarked(demo: Declaration) -> None:
    """A draft version carries the "Draft — version N" watermark; the final text does not."""
    version = demo.versions.get()
    data = document_data(version=version, kind=Kind.DRAFT, languages=["en"], layout=Layout.SINGLE)
    assert data.watermarked and document_context(data, {})["watermark"].startswith("data:image/png;base64,")
    sign_manifesto(demo)
    version.refresh_from_db()
    final = document_data(version=version, kind=Kind.DRAFT, languages=["en"], layout=Layout.SINGLE)
    assert version.is_final and not final.watermarked and document_context(final, {})["watermark"] == ""


def test_superseded_signatures_are_never_printed(demo: Declaration) -> None:
    """After a correction and reopening, only signatures on the new text are printed as signatures."""
    signing = sign_manifesto(demo, close=False)
    clause = ClauseText.objects.get(clause__declaration=demo, clause__key="vision", language="en")
    clause.text += " Corrected."
    clause.save()
    version = version_publish(declaration=demo, label="Final 30/09/2024", by=user("secretariat"))
    signing.refresh_from_db()
    signing_services.signing_reopen(signing=signing, version=version, by=user("secretariat"))
    with TestCase.captureOnCommitCallbacks(execute=True):  # the image is stored on commit
        signing_services.signature_sign(
            signing_party=_signing_party(signing, "catalonia"),
            content_hash=version.content_hash,
            typed_name=PRINTED["catalonia"][0],
            method="uploaded",
            image=clean_signature_image(signature_png(3)),
            idempotency_key=uuid.uuid4(),
            ip_address=None,
            user_agent="pytest",
            by=user("catalonia.signatory"),
        )
    signing_services.signing_close(signing=signing, by=user("secretariat"))
    data = document_data(version=version, kind=Kind.SUBMISSION, languages=["en"], layout=Layout.SINGLE)
    assert [(s.party.key, s.method) for s in data.signatures] == [("catalonia", "uploaded")]
    assert data.declines == []
    assert {p.key for p in data.not_signed} == {"gyeonggi", "kyoto", "occitanie"}
    assert data.content_hash == version.content_hash
    # The old text was not the one signed in the end: no submission PDF of it.
    with pytest.raises(services.ExportError):
        services.document_issue(
            version=demo.versions.get(number=1), kind=Kind.SUBMISSION, languages=["en"], layout=None, by=None
        )
