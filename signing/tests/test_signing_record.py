"""signing_record(): what the PDF prints, and closing signing."""

from __future__ import annotations

import pytest

from declarations.models import Declaration
from signing.record import signing_record
from signing.services import SigningError, signing_close

from .signing_helpers import decline, designate, open_signing, record_paper, sign, user

pytestmark = pytest.mark.django_db


def test_record_rows_in_signing_order(demo: Declaration) -> None:
    """One row per party with printed name, title, capacity, method, UTC time and image."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    record_paper(signing, "kyoto")
    designate(signing, "occitanie")
    decline(signing, "occitanie", "Private reason", public=False)
    record = signing_record(demo)
    assert record is not None
    assert record.version == signing.version
    rows = {r.party.key: r for r in record.rows}
    assert [r.party.key for r in record.rows] == ["gyeonggi", "catalonia", "kyoto", "occitanie"]
    g = rows["gyeonggi"]
    assert (g.printed_name, g.printed_title, g.capacity, g.method) == (
        "Kim Min-ji",
        "Minister for Digital Policies",
        "for the Gyeonggi Provincial Government",
        "drawn",
    )
    assert g.image is not None and g.signed_at is not None
    assert (rows["kyoto"].method, rows["kyoto"].image) == ("paper", None)
    assert (rows["occitanie"].status, rows["occitanie"].decline_reason) == ("declined", "")
    assert rows["catalonia"].status == "pending"
    assert record.events[0].kind == "opened"


def test_public_decline_reason_is_in_the_record(demo: Declaration) -> None:
    """A reason the party made public is printed."""
    signing = open_signing(demo)
    designate(signing, "occitanie")
    decline(signing, "occitanie", "Public reason", public=True)
    record = signing_record(demo)
    assert record is not None
    assert record.rows[-1].decline_reason == "Public reason"


def test_no_signing_no_record(demo: Declaration) -> None:
    """Before signing opens there is no record."""
    assert signing_record(demo) is None


def test_closing_makes_the_declaration_signed(demo: Declaration) -> None:
    """Closing needs one signature on the current text and moves the declaration to signed."""
    signing = open_signing(demo)
    with pytest.raises(SigningError):
        signing_close(signing=signing, by=user("secretariat"))
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    signing_close(signing=signing, by=user("secretariat"))
    demo.refresh_from_db()
    assert demo.status == Declaration.Status.SIGNED
    with pytest.raises(SigningError, match="closed"):
        sign(signing, "gyeonggi")
