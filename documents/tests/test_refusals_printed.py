"""A recorded refusal or non-participation in the submission PDF and its certificate (issue 21, part 2)."""

from __future__ import annotations

import pytest

from declarations.models import Declaration
from documents.compose import document_context, document_html
from documents.selectors import document_data
from signing.models import Signature
from signing.record import signing_record
from signing.refusals import signature_record_refusal
from signing.services import signing_close
from signing.tests.signing_helpers import committed, designate, open_signing, sign, signing_party, user

pytestmark = pytest.mark.django_db


def _refuse(signing, key: str, outcome: str = "declined", reason: str = "", public: bool = False) -> Signature:  # type: ignore[no-untyped-def]
    with committed():
        return signature_record_refusal(
            signing_party=signing_party(signing, key),
            outcome=outcome,
            reason=reason,
            reason_public=public,
            by=user("secretariat"),
        )


def test_pdf_and_certificate_count_declined_and_absent_never_as_signatories(demo: Declaration) -> None:
    """Signed / declined / did not take part / did not answer; only signers are signatories."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    _refuse(signing, "occitanie", reason="Not approved.", public=True)
    _refuse(signing, "kyoto", outcome="absent")
    signing_close(signing=signing, by=user("secretariat"))
    record = signing_record(demo)
    assert record is not None
    data = document_data(version=record.version, kind="submission", languages=["en"], layout="single")
    assert [s.party.key for s in data.signatures] == ["gyeonggi"]
    assert [p.key for p in data.parties] == ["gyeonggi"]
    assert [d.party.key for d in data.declines] == ["occitanie"] and data.declines[0].reason == "Not approved."
    assert [p.key for p in data.absent] == ["kyoto"]
    assert [p.key for p in data.not_signed] == ["catalonia"]
    context = document_context(data, {})
    assert context["counts"] == "1 signed, 1 declined, 1 did not take part, 1 did not answer, of 4 parties"


def test_the_pdf_prints_non_participants_in_their_own_section(demo: Declaration) -> None:
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    _refuse(signing, "kyoto", outcome="absent")
    signing_close(signing=signing, by=user("secretariat"))
    record = signing_record(demo)
    assert record is not None
    data = document_data(version=record.version, kind="submission", languages=["en"], layout="single")
    html = document_html(data, {})
    section = html.split("Parties that did not take part", 1)[1].split("</ul>", 1)[0]
    assert "Kyoto" in section
    assert "Kyoto" not in html.split("Parties that did not take part", 1)[0].split("signature-pages", 1)[1]
