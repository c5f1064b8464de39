"""A PDF sealed with a development seal says so on /verify/: it is not the secretariat's seal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from declarations.models import Declaration
from documents.verification import VerificationResult

from .helpers import issued_draft

pytestmark = pytest.mark.django_db


def test_verify_warns_about_a_development_seal(demo: Declaration, client: Client) -> None:
    """An authentic PDF sealed with generate_dev_certificate's seal carries a visible warning."""
    document = issued_draft(demo.versions.get())
    with document.file.open("rb") as handle:
        upload = SimpleUploadedFile("declaration.pdf", handle.read(), content_type="application/pdf")
    response = client.post("/verify/", {"file": upload})
    assert response.status_code == 200
    assert "Authentic" in response.text
    assert "Development seal, not for production." in response.text


def test_only_the_development_organisation_counts_as_a_development_seal() -> None:
    """A secretariat's certificate is not mistaken for a development seal, nor the reverse."""
    dev = VerificationResult(
        signer_subject="Common Name: Accord development seal, Organization: Accord (development only)"
    )
    real = VerificationResult(signer_subject="Common Name: DETA Secretariat seal, Organization: DETA Secretariat")
    assert dev.development_seal and not real.development_seal
    assert not VerificationResult().development_seal
