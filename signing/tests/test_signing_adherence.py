"""Adherence after close (issue 21, part 1): a party joins the signed text; nothing else changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from declarations.models import ClauseText, Declaration, DeclarationParty
from declarations.services import version_publish
from signatories.models import Party
from signatories.tests.people_factories import make_party
from signing import adherence, services
from signing.editions import editions, unissued_adherences
from signing.models import Signature, Signing, SigningEvent, SigningParty
from signing.refusals import signature_record_refusal
from signing.selectors import signing_board
from signing.services import SigningError

from .adherence_helpers import (
    a_year_later,
    adhere_online,
    audit_ok,
    invite,
    record_offline,
    state_of,
)
from .signing_helpers import committed, designate, open_signing, sign, signing_party, user

pytestmark = pytest.mark.django_db


# --- Inviting ------------------------------------------------------------------------------


def test_inviting_a_party_that_did_not_answer_keeps_signing_closed(closed: Signing, demo: Declaration) -> None:
    """Kyoto is invited; signing stays closed, the declaration signed, the focal point told."""
    mail.outbox.clear()
    sp = invite(closed, "kyoto")
    closed.refresh_from_db()
    demo.refresh_from_db()
    assert sp.adherence_invited_at is not None and not sp.added_for_adherence
    assert (closed.status, demo.status) == (Signing.Status.CLOSED, Declaration.Status.SIGNED)
    event = SigningEvent.objects.filter(declaration=demo).order_by("-seq").first()
    assert event is not None and (event.kind, event.party_key) == ("adherence_invited", "kyoto")
    assert [m.to for m in mail.outbox] == [["kyoto.focal@demo.accord.invalid"]]
    assert "Invitation to adhere" in mail.outbox[0].subject


def test_a_party_new_to_the_declaration_is_added_as_participant(
    closed: Signing, demo: Declaration, capsys: pytest.CaptureFixture[str]
) -> None:
    """A party of the directory joins the declaration and the signing, marked as added to adhere."""
    bretagne = make_party("bretagne")
    sp = invite(closed, "bretagne")
    assert sp.added_for_adherence and sp.position == 5
    assert DeclarationParty.objects.filter(declaration=demo, party=bretagne, role="participant").exists()
    board = signing_board(closed)
    assert board.counts["pending"] == 1  # Kyoto only: Bretagne was never asked to sign
    assert board.counts["invited"] == 1
    audit_ok(demo, capsys)


def test_inviting_is_refused_while_open_for_a_signatory_and_twice(demo: Declaration) -> None:
    """Open signing, a party that signed, a second invitation: a message each, nothing changed."""
    signing = open_signing(demo)
    with pytest.raises(SigningError, match="once signing is closed"):
        adherence.adherence_invite(signing=signing, party=Party.objects.get(key="kyoto"), by=user("secretariat"))
    for key in ("gyeonggi", "catalonia"):
        designate(signing, key)
        sign(signing, key)
    services.signing_close(signing=signing, by=user("secretariat"))
    invite(signing, "kyoto")
    before = state_of(demo)
    with pytest.raises(SigningError, match="Gyeonggi signed the text at the signing"):
        invite(signing, "gyeonggi")
    with pytest.raises(SigningError, match="already invited to adhere"):
        invite(signing, "kyoto")
    assert state_of(demo) == before


# --- Adhering -------------------------------------------------------------------------------


def test_a_year_later_an_adherence_recorded_offline_with_its_date(
    closed: Signing, demo: Declaration, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: Kyoto adheres a year after the close, given in person; shown apart, dated."""
    others = list(Signature.objects.exclude(party__key="kyoto").values_list("pk", "status", "signed_at"))
    with a_year_later() as later:
        invite(closed, "kyoto")
        mail.outbox.clear()
        signature = record_offline(closed, "kyoto", later.date())
    assert (signature.status, signature.method, signature.recorded_by) == ("adhered", "in_person", user("secretariat"))
    assert signature.signed_at == datetime.combine(later.date(), datetime.min.time(), tzinfo=UTC)
    assert signature.content_hash == closed.version.content_hash
    assert sorted(m.to[0] for m in mail.outbox) == ["kyoto.focal@demo.accord.invalid"]
    # Nothing else moved: the other answers, the signing, the declaration.
    assert list(Signature.objects.exclude(party__key="kyoto").values_list("pk", "status", "signed_at")) == others
    closed.refresh_from_db()
    assert closed.status == Signing.Status.CLOSED
    row = next(r for r in signing_board(closed).rows if r.key == "kyoto")
    assert (row.state, row.adherence.signed_on if row.adherence else "") == ("adhered", f"{later.date()}")
    audit_ok(demo, capsys)


def test_the_designated_signatory_adheres_online(closed: Signing, demo: Declaration) -> None:
    """After the invitation the focal point designates (allowed after close) and the signatory adheres."""
    invite(closed, "kyoto")
    mail.outbox.clear()
    with committed():
        designate(closed, "kyoto")
    assert "adhere" in mail.outbox[0].body and "/signing/party/kyoto/adhere/" in mail.outbox[0].body
    mail.outbox.clear()
    signature = adhere_online(closed, "kyoto")
    assert (signature.status, signature.method, signature.signer) == ("adhered", "drawn", user("kyoto.signatory"))
    assert signature.image.size > 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "kyoto.focal@demo.accord.invalid",
        "kyoto.signatory@demo.accord.invalid",
    ]
    counts = signing_board(closed).counts
    assert (counts["signed"], counts["adhered"], counts["pending"]) == (2, 1, 0)


def test_a_party_that_declined_may_adhere_and_its_decline_stays(closed: Signing, demo: Declaration) -> None:
    """Occitanie declined at the signing; its adherence later stands beside the decline, which is kept."""
    decline = Signature.objects.get(party__key="occitanie")
    invite(closed, "occitanie")
    record_offline(
        closed, "occitanie", timezone.now().date(), printed_name="Marie Dupont", printed_title="Vice-President"
    )
    decline.refresh_from_db()
    assert decline.status == "declined"
    row = next(r for r in signing_board(closed).rows if r.key == "occitanie")
    assert row.state == "declined" and row.adherence is not None


def test_designating_for_a_party_not_invited_is_refused_after_close(closed: Signing) -> None:
    with pytest.raises(SigningError, match="Signing is closed"):
        designate(closed, "kyoto")


# --- Bad input: a clear message, nothing changed ------------------------------------------------


def test_adhering_twice_is_refused(closed: Signing, demo: Declaration) -> None:
    """A second adherence, offline or online, and a second invitation: refused with the first date."""
    invite(closed, "kyoto")
    designate(closed, "kyoto")
    first = record_offline(closed, "kyoto", timezone.now().date())
    before = state_of(demo)
    day = f"{first.signed_at:%Y-%m-%d}"
    with pytest.raises(SigningError, match=f"Kyoto has already adhered, on {day}"):
        record_offline(closed, "kyoto", timezone.now().date())
    with pytest.raises(SigningError, match="already adhered"):
        adhere_online(closed, "kyoto")
    with pytest.raises(SigningError, match="already adhered"):
        invite(closed, "kyoto")
    assert state_of(demo) == before


def test_the_database_keeps_one_adherence_per_party(closed: Signing) -> None:
    invite(closed, "kyoto")
    first = record_offline(closed, "kyoto", timezone.now().date())
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            signing=closed,
            party=first.party,
            version=first.version,
            content_hash=first.content_hash,
            status="adhered",
            method="paper",
            signed_at=timezone.now(),
        )


def test_adhering_to_a_superseded_text_is_refused(demo: Declaration) -> None:
    """Signing moved to version 2; an adherence carrying version 1's hash names both and records nothing."""
    signing = open_signing(demo)
    old_hash = signing.version.content_hash
    text = ClauseText.objects.get(clause__declaration=demo, clause__key="vision", language="en")
    text.text += " Corrected."
    text.save()
    version = version_publish(declaration=demo, label="Final 30/09/2024", by=user("secretariat"))
    signing.refresh_from_db()
    services.signing_reopen(signing=signing, version=version, by=user("secretariat"))
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    services.signing_close(signing=signing, by=user("secretariat"))
    signing.refresh_from_db()
    invite(signing, "kyoto")
    designate(signing, "kyoto")
    before = state_of(demo)
    with pytest.raises(SigningError, match="Version 1 was superseded by version 2"):
        adhere_online(signing, "kyoto", content_hash=old_hash)
    with pytest.raises(SigningError, match="Version 1 was superseded by version 2"):
        record_offline(signing, "kyoto", timezone.now().date(), content_hash=old_hash)
    with pytest.raises(SigningError, match="not the text that was signed"):
        record_offline(signing, "kyoto", timezone.now().date(), content_hash="0" * 64)
    assert state_of(demo) == before


def test_dates_before_the_close_or_in_the_future_are_refused(closed: Signing, demo: Declaration) -> None:
    """The message names the close day; a date not yet begun anywhere on Earth is the future."""
    invite(closed, "kyoto")
    before = state_of(demo)
    assert closed.closed_at is not None
    closed_on = closed.closed_at.astimezone(UTC).date()
    with pytest.raises(SigningError, match=f"before signing closed, on {closed_on}"):
        record_offline(closed, "kyoto", closed_on - timedelta(days=1))
    with pytest.raises(SigningError, match="in the future"):
        record_offline(closed, "kyoto", (timezone.now() + timedelta(days=2)).date())
    assert state_of(demo) == before
    # The day of the close itself stands (midnight UTC is before the close, the day is not).
    assert record_offline(closed, "kyoto", closed_on).signed_at.date() == closed_on


@pytest.mark.parametrize("typed", ["1 octobre 2025", "2025년 10월 1일", "01/10/2025", "10/01/2025", "next Tuesday"])
def test_dates_as_free_text_in_any_locale_are_refused_on_the_page(
    user_client: Any, closed: Signing, demo: Declaration, typed: str
) -> None:
    """Only YYYY-MM-DD is a date; whatever the interface language, the form says so and nothing is kept."""
    invite(closed, "kyoto")
    before = state_of(demo)
    client = user_client("secretariat")
    for language in ("en", "ko", "fr"):
        response = client.post(
            f"/d/{demo.slug}/signing/party/kyoto/adherence/",
            {
                "content_hash": closed.version.content_hash,
                "method": "in_person",
                "printed_name": "Sato Yuki",
                "printed_title": "Vice-Governor",
                "adhered_on": typed,
            },
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 400
        assert "YYYY-MM-DD" in response.text
    assert state_of(demo) == before


def test_free_text_dates_are_refused_for_offline_signatures_too(user_client: Any, demo: Declaration) -> None:
    """The offline signature form takes ISO dates only ("01/10/2025 10:00" is January or October)."""
    open_signing(demo)
    response = user_client("secretariat").post(
        f"/d/{demo.slug}/signing/party/kyoto/record/",
        {
            "method": "in_person",
            "printed_name": "Sato Yuki",
            "printed_title": "Vice-Governor",
            "signed_at": "01/10/2025 10:00",
        },
    )
    assert "YYYY-MM-DD HH:MM" in response.text
    assert not Signature.objects.exists()


def test_recording_a_refusal_after_close_is_refused(closed: Signing, demo: Declaration) -> None:
    """A signatory (Gyeonggi) or an adherent (Kyoto) cannot be recorded as declining; nothing changes."""
    invite(closed, "kyoto")
    record_offline(closed, "kyoto", timezone.now().date())
    before = state_of(demo)
    for key in ("gyeonggi", "kyoto"):
        with pytest.raises(SigningError, match="Signing is closed"):
            signature_record_refusal(
                signing_party=signing_party(closed, key),
                outcome="declined",
                reason="",
                reason_public=False,
                by=user("secretariat"),
            )
    assert state_of(demo) == before


def test_closing_with_no_signature_is_refused(demo: Declaration) -> None:
    """Nobody signed: the close is refused, signing stays open, no event, no round closed."""
    signing = open_signing(demo)
    before = state_of(demo)
    with pytest.raises(SigningError, match="Nobody has signed the current text yet"):
        services.signing_close(signing=signing, by=user("secretariat"))
    assert state_of(demo) == before and before[3] == Signing.Status.OPEN


def test_an_uninvited_party_cannot_adhere(closed: Signing, demo: Declaration) -> None:
    before = state_of(demo)
    with pytest.raises(SigningError, match="has not been invited to adhere"):
        record_offline(closed, "kyoto", timezone.now().date())
    assert state_of(demo) == before


# --- Editions and the audit chain -------------------------------------------------------------


def test_each_batch_of_adherences_is_one_edition(closed: Signing, demo: Declaration) -> None:
    """Edition 1 is the close; edition 2 closes the first batch; nothing new is nothing to issue."""
    assert [e.number for e in editions(demo)] == [1]
    with pytest.raises(SigningError, match="No party has adhered since edition 1"):
        adherence.edition_declare(signing=closed, by=user("secretariat"))
    invite(closed, "kyoto")
    kyoto = record_offline(closed, "kyoto", timezone.now().date())
    assert unissued_adherences(demo) == [kyoto.pk]
    assert adherence.edition_declare(signing=closed, by=user("secretariat")) == 2
    found = editions(demo)
    assert [(e.number, e.adherences) for e in found] == [(1, ()), (2, (kyoto.pk,))]
    assert found[1].through_seq == SigningEvent.objects.filter(declaration=demo).order_by("-seq").first().seq  # type: ignore[union-attr]
    assert unissued_adherences(demo) == []
    events = SigningEvent.objects.filter(declaration=demo).count()
    with pytest.raises(SigningError, match="since edition 2"):
        adherence.edition_declare(signing=closed, by=user("secretariat"))
    assert SigningEvent.objects.filter(declaration=demo).count() == events


def test_tampering_with_an_adherence_is_detected(closed: Signing, demo: Declaration) -> None:
    """A date moved in the table, or an invitation removed, no longer matches the trail."""
    invite(closed, "kyoto")
    kyoto = record_offline(closed, "kyoto", timezone.now().date())
    table = Signature._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET signed_at = %s WHERE id = %s", [datetime(2030, 1, 1, tzinfo=UTC), kyoto.pk])  # noqa: S608
    with pytest.raises(CommandError, match=r"CHANGED: signature .* signed_at"):
        call_command("verify_audit", demo.slug)


def test_removing_an_invitation_is_detected(closed: Signing, demo: Declaration) -> None:
    invite(closed, "kyoto")
    SigningParty.objects.filter(party__key="kyoto").update(adherence_invited_at=None)
    with pytest.raises(CommandError, match="invited"):
        call_command("verify_audit", demo.slug)
