"""The secretariat records "declined to sign" or "did not take part" for a party (issue 21, part 2)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from declarations.models import Declaration
from signing.models import Signature, SigningEvent
from signing.refusals import signature_record_refusal
from signing.selectors import signing_board
from signing.services import SigningError

from .signing_helpers import committed, designate, open_signing, sign, signing_party, user

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


def test_a_recorded_refusal_is_declined_with_its_public_reason(demo: Declaration) -> None:
    """Recorded by the secretariat, audited, and the party's focal point is told."""
    signing = open_signing(demo)
    mail.outbox.clear()
    signature = _refuse(signing, "occitanie", reason="Our assembly voted against.", public=True)
    assert (signature.status, signature.method, signature.signer, signature.recorded_by) == (
        "declined",
        "declined",
        None,
        user("secretariat"),
    )
    event = SigningEvent.objects.get(declaration=demo, kind="refusal_recorded")
    assert (event.party_key, event.data["outcome"], event.data["reason"]) == (
        "occitanie",
        "declined",
        "Our assembly voted against.",
    )
    to = {address for message in mail.outbox for address in message.to}
    assert to == {user("occitanie.focal").email}
    assert "declined to sign" in mail.outbox[0].body and "Our assembly voted against." in mail.outbox[0].body


def test_did_not_take_part_is_neither_signed_declined_nor_pending(demo: Declaration) -> None:
    """The board counts it on its own; the party is no longer asked to answer."""
    signing = open_signing(demo)
    _refuse(signing, "kyoto", outcome="absent", reason="Delegation absent.")
    board = signing_board(signing)
    assert board.counts["absent"] == 1 and board.counts["pending"] == 3 and board.counts["declined"] == 0
    assert next(r for r in board.rows if r.key == "kyoto").state == "absent"


def test_refusal_for_a_party_that_signed_is_refused_and_nothing_changes(demo: Declaration) -> None:
    """A clear error; the signature stands, no event is appended, nobody is mailed."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    events = SigningEvent.objects.filter(declaration=demo).count()
    mail.outbox.clear()
    with pytest.raises(SigningError, match="has signed: a refusal cannot be recorded over a signature"):
        _refuse(signing, "gyeonggi")
    assert Signature.objects.get(party__key="gyeonggi").status == "signed"
    assert SigningEvent.objects.filter(declaration=demo).count() == events
    assert mail.outbox == []


def test_bad_outcome_or_public_flag_without_reason_is_refused(demo: Declaration) -> None:
    signing = open_signing(demo)
    with pytest.raises(SigningError, match="Choose"):
        _refuse(signing, "kyoto", outcome="signed")
    with pytest.raises(SigningError, match="reason to make it public"):
        _refuse(signing, "kyoto", public=True)
    assert not Signature.objects.exists()


def test_the_database_keeps_absent_apart_from_signed() -> None:
    """A row cannot be "signed" with the "did not take part" method (constraint)."""
    # Exercised through a direct UPDATE in the test below; here only the model declares it.
    names = {c.name for c in Signature._meta.constraints}
    assert "signature_absent_is_its_own_method" in names


def test_constraint_refuses_absent_method_on_a_signature(demo: Declaration) -> None:
    signing = open_signing(demo)
    signature = _refuse(signing, "kyoto", outcome="absent")
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).update(status="signed")


def test_audit_stays_valid_after_recorded_refusals(demo: Declaration, capsys: pytest.CaptureFixture[str]) -> None:
    signing = open_signing(demo)
    _refuse(signing, "occitanie", reason="Internal note.")
    _refuse(signing, "kyoto", outcome="absent")
    call_command("verify_audit", demo.slug)
    assert "OK:" in capsys.readouterr().out


def test_tampering_a_recorded_refusal_is_detected(demo: Declaration) -> None:
    """Turning a recorded non-participation into a decline shows up as a difference."""
    from signing.audit_state import state_differences

    signing = open_signing(demo)
    signature = _refuse(signing, "kyoto", outcome="absent")
    Signature.objects.filter(pk=signature.pk).update(status="declined", method="declined")
    assert any("status is 'declined' in the table but 'absent'" in d for d in state_differences(demo))


def test_secretariat_records_through_the_page(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The board offers the action; the page records; a party member cannot reach it."""
    signing = open_signing(demo)
    client = user_client("secretariat")
    board = client.get(f"/d/{demo.slug}/signing/").content.decode()
    assert f"/d/{demo.slug}/signing/party/kyoto/refusal/" in board
    response = client.post(
        f"/d/{demo.slug}/signing/party/kyoto/refusal/",
        {"outcome": "absent", "reason": "", "visibility": "secretariat"},
    )
    assert response.status_code == 302
    assert Signature.objects.get(signing=signing, party__key="kyoto").status == "absent"
    outsider = user_client("occitanie.focal").get(f"/d/{demo.slug}/signing/party/occitanie/refusal/")
    assert outsider.status_code in (403, 404)
    assert not Signature.objects.filter(party__key="occitanie").exists()


def test_the_party_reads_what_was_recorded_on_its_page(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """Not "Your party declined": the page says the secretariat recorded non-participation."""
    signing = open_signing(demo)
    _refuse(signing, "kyoto", outcome="absent", reason="Delegation absent.")
    page = user_client("kyoto.focal").get(f"/d/{demo.slug}/signing/party/kyoto/").content.decode()
    assert "that your party did not take part" in page and "Your party declined" not in page
