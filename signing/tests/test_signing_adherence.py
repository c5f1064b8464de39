"""Adherence after close (issue 21, part 1): a party joins the signed text; nothing else changes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from declarations.models import ClauseText, Declaration, DeclarationParty
from declarations.services import version_publish
from signatories.models import Membership, Party
from signatories.services import membership_add
from signatories.tests.people_factories import make_party, make_user
from signing import adherence, services
from signing.editions import editions, unissued_adherences
from signing.images import clean_signature_image
from signing.models import Signature, Signing, SigningEvent, SigningParty
from signing.refusals import signature_record_refusal
from signing.selectors import signing_board
from signing.services import SigningError

from .signing_helpers import committed, designate, open_signing, png_bytes, sign, signing_party, user

pytestmark = pytest.mark.django_db

A_YEAR = timedelta(days=365)
_real_now = timezone.now


@contextmanager
def a_year_later() -> Iterator[datetime]:
    """The clock a year ahead, for everything that asks django.utils.timezone.now (services, sessions)."""
    with mock.patch("django.utils.timezone.now", side_effect=lambda: _real_now() + A_YEAR):
        yield _real_now() + A_YEAR


def _closed(demo: Declaration) -> Signing:
    """Gyeonggi and Catalonia sign, the secretariat records Occitanie's refusal, Kyoto does not answer; closed."""
    signing = open_signing(demo)
    for key in ("gyeonggi", "catalonia"):
        designate(signing, key)
        sign(signing, key)
    signature_record_refusal(
        signing_party=signing_party(signing, "occitanie"),
        outcome=Signature.Status.DECLINED,
        reason="Our assembly voted against.",
        reason_public=True,
        by=user("secretariat"),
    )
    services.signing_close(signing=signing, by=user("secretariat"))
    signing.refresh_from_db()
    return signing


@pytest.fixture
def closed(demo: Declaration) -> Signing:
    return _closed(demo)


def _invite(signing: Signing, key: str) -> SigningParty:
    with committed():
        return adherence.adherence_invite(signing=signing, party=Party.objects.get(key=key), by=user("secretariat"))


def _record(signing: Signing, key: str, on: date, **extra: Any) -> Signature:
    values: dict[str, Any] = {
        "content_hash": signing.version.content_hash,
        "method": Signature.Method.IN_PERSON,
        "printed_name": "Sato Yuki",
        "printed_title": "Vice-Governor",
        "scan": None,
        **extra,
    }
    with committed():
        return adherence.adherence_record_offline(
            signing_party=signing_party(signing, key), adhered_on=on, by=user("secretariat"), **values
        )


def _adhere_online(signing: Signing, key: str, **extra: Any) -> Signature:
    values: dict[str, Any] = {"content_hash": signing.version.content_hash, "typed_name": "Sato Yuki", **extra}
    with committed():
        return adherence.adherence_sign(
            signing_party=signing_party(signing, key),
            method=Signature.Method.DRAWN,
            image=clean_signature_image(png_bytes()),
            idempotency_key=uuid.uuid4(),
            ip_address="203.0.113.9",
            user_agent="pytest",
            by=user(f"{key}.signatory"),
            **values,
        )


def _state(demo: Declaration) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    return (
        list(Signature.objects.order_by("pk").values_list("pk", "status", "signed_at")),
        list(SigningParty.objects.order_by("pk").values_list("pk", "adherence_invited_at", "signatory_id")),
        SigningEvent.objects.filter(declaration=demo).count(),
        Signing.objects.get().status,
        Declaration.objects.get(pk=demo.pk).status,
    )


def _audit_ok(demo: Declaration, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("verify_audit", demo.slug)
    assert capsys.readouterr().out.startswith("OK:")


# --- Inviting ------------------------------------------------------------------------------


def test_inviting_a_party_that_did_not_answer_keeps_signing_closed(closed: Signing, demo: Declaration) -> None:
    """Kyoto is invited; signing stays closed, the declaration signed, the focal point told."""
    mail.outbox.clear()
    sp = _invite(closed, "kyoto")
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
    sp = _invite(closed, "bretagne")
    assert sp.added_for_adherence and sp.position == 5
    assert DeclarationParty.objects.filter(declaration=demo, party=bretagne, role="participant").exists()
    board = signing_board(closed)
    assert board.counts["pending"] == 1  # Kyoto only: Bretagne was never asked to sign
    assert board.counts["invited"] == 1
    _audit_ok(demo, capsys)


def test_inviting_is_refused_while_open_for_a_signatory_and_twice(demo: Declaration) -> None:
    """Open signing, a party that signed, a second invitation: a message each, nothing changed."""
    signing = open_signing(demo)
    with pytest.raises(SigningError, match="once signing is closed"):
        adherence.adherence_invite(signing=signing, party=Party.objects.get(key="kyoto"), by=user("secretariat"))
    for key in ("gyeonggi", "catalonia"):
        designate(signing, key)
        sign(signing, key)
    services.signing_close(signing=signing, by=user("secretariat"))
    _invite(signing, "kyoto")
    before = _state(demo)
    with pytest.raises(SigningError, match="Gyeonggi signed the text at the signing"):
        _invite(signing, "gyeonggi")
    with pytest.raises(SigningError, match="already invited to adhere"):
        _invite(signing, "kyoto")
    assert _state(demo) == before


# --- Adhering -------------------------------------------------------------------------------


def test_a_year_later_an_adherence_recorded_offline_with_its_date(
    closed: Signing, demo: Declaration, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: Kyoto adheres a year after the close, given in person; shown apart, dated."""
    others = list(Signature.objects.exclude(party__key="kyoto").values_list("pk", "status", "signed_at"))
    with a_year_later() as later:
        _invite(closed, "kyoto")
        mail.outbox.clear()
        signature = _record(closed, "kyoto", later.date())
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
    _audit_ok(demo, capsys)


def test_the_designated_signatory_adheres_online(closed: Signing, demo: Declaration) -> None:
    """After the invitation the focal point designates (allowed after close) and the signatory adheres."""
    _invite(closed, "kyoto")
    mail.outbox.clear()
    with committed():
        designate(closed, "kyoto")
    assert "adhere" in mail.outbox[0].body and "/signing/party/kyoto/adhere/" in mail.outbox[0].body
    mail.outbox.clear()
    signature = _adhere_online(closed, "kyoto")
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
    _invite(closed, "occitanie")
    _record(closed, "occitanie", timezone.now().date(), printed_name="Marie Dupont", printed_title="Vice-President")
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
    _invite(closed, "kyoto")
    designate(closed, "kyoto")
    first = _record(closed, "kyoto", timezone.now().date())
    before = _state(demo)
    day = f"{first.signed_at:%Y-%m-%d}"
    with pytest.raises(SigningError, match=f"Kyoto has already adhered, on {day}"):
        _record(closed, "kyoto", timezone.now().date())
    with pytest.raises(SigningError, match="already adhered"):
        _adhere_online(closed, "kyoto")
    with pytest.raises(SigningError, match="already adhered"):
        _invite(closed, "kyoto")
    assert _state(demo) == before


def test_the_database_keeps_one_adherence_per_party(closed: Signing) -> None:
    _invite(closed, "kyoto")
    first = _record(closed, "kyoto", timezone.now().date())
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
    _invite(signing, "kyoto")
    designate(signing, "kyoto")
    before = _state(demo)
    with pytest.raises(SigningError, match="Version 1 was superseded by version 2"):
        _adhere_online(signing, "kyoto", content_hash=old_hash)
    with pytest.raises(SigningError, match="Version 1 was superseded by version 2"):
        _record(signing, "kyoto", timezone.now().date(), content_hash=old_hash)
    with pytest.raises(SigningError, match="not the text that was signed"):
        _record(signing, "kyoto", timezone.now().date(), content_hash="0" * 64)
    assert _state(demo) == before


def test_dates_before_the_close_or_in_the_future_are_refused(closed: Signing, demo: Declaration) -> None:
    """The message names the close day; a date not yet begun anywhere on Earth is the future."""
    _invite(closed, "kyoto")
    before = _state(demo)
    assert closed.closed_at is not None
    closed_on = closed.closed_at.astimezone(UTC).date()
    with pytest.raises(SigningError, match=f"before signing closed, on {closed_on}"):
        _record(closed, "kyoto", closed_on - timedelta(days=1))
    with pytest.raises(SigningError, match="in the future"):
        _record(closed, "kyoto", (timezone.now() + timedelta(days=2)).date())
    assert _state(demo) == before
    # The day of the close itself stands (midnight UTC is before the close, the day is not).
    assert _record(closed, "kyoto", closed_on).signed_at.date() == closed_on


@pytest.mark.parametrize("typed", ["1 octobre 2025", "2025년 10월 1일", "01/10/2025", "10/01/2025", "next Tuesday"])
def test_dates_as_free_text_in_any_locale_are_refused_on_the_page(
    user_client: Any, closed: Signing, demo: Declaration, typed: str
) -> None:
    """Only YYYY-MM-DD is a date; whatever the interface language, the form says so and nothing is kept."""
    _invite(closed, "kyoto")
    before = _state(demo)
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
    assert _state(demo) == before


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
    _invite(closed, "kyoto")
    _record(closed, "kyoto", timezone.now().date())
    before = _state(demo)
    for key in ("gyeonggi", "kyoto"):
        with pytest.raises(SigningError, match="Signing is closed"):
            signature_record_refusal(
                signing_party=signing_party(closed, key),
                outcome="declined",
                reason="",
                reason_public=False,
                by=user("secretariat"),
            )
    assert _state(demo) == before


def test_closing_with_no_signature_is_refused(demo: Declaration) -> None:
    """Nobody signed: the close is refused, signing stays open, no event, no round closed."""
    signing = open_signing(demo)
    before = _state(demo)
    with pytest.raises(SigningError, match="Nobody has signed the current text yet"):
        services.signing_close(signing=signing, by=user("secretariat"))
    assert _state(demo) == before and before[3] == Signing.Status.OPEN


def test_an_uninvited_party_cannot_adhere(closed: Signing, demo: Declaration) -> None:
    before = _state(demo)
    with pytest.raises(SigningError, match="has not been invited to adhere"):
        _record(closed, "kyoto", timezone.now().date())
    assert _state(demo) == before


# --- Editions and the audit chain -------------------------------------------------------------


def test_each_batch_of_adherences_is_one_edition(closed: Signing, demo: Declaration) -> None:
    """Edition 1 is the close; edition 2 closes the first batch; nothing new is nothing to issue."""
    assert [e.number for e in editions(demo)] == [1]
    with pytest.raises(SigningError, match="No party has adhered since edition 1"):
        adherence.edition_declare(signing=closed, by=user("secretariat"))
    _invite(closed, "kyoto")
    kyoto = _record(closed, "kyoto", timezone.now().date())
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
    _invite(closed, "kyoto")
    kyoto = _record(closed, "kyoto", timezone.now().date())
    table = Signature._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET signed_at = %s WHERE id = %s", [datetime(2030, 1, 1, tzinfo=UTC), kyoto.pk])  # noqa: S608
    with pytest.raises(CommandError, match=r"CHANGED: signature .* signed_at"):
        call_command("verify_audit", demo.slug)


def test_removing_an_invitation_is_detected(closed: Signing, demo: Declaration) -> None:
    _invite(closed, "kyoto")
    SigningParty.objects.filter(party__key="kyoto").update(adherence_invited_at=None)
    with pytest.raises(CommandError, match="invited"):
        call_command("verify_audit", demo.slug)


# --- Pages ----------------------------------------------------------------------------------


def test_pages_keep_outsiders_out_and_need_the_secretariat(
    user_client: Any, closed: Signing, demo: Declaration
) -> None:
    """Outsiders get 404 everywhere; a party's focal point cannot invite or record (403)."""
    _invite(closed, "kyoto")
    base = f"/d/{demo.slug}/signing"
    for url in (f"{base}/adherence/invite/", f"{base}/party/kyoto/adhere/", f"{base}/party/kyoto/adherence/"):
        assert user_client("outsider").get(url).status_code == 404
    assert user_client("kyoto.focal").get(f"{base}/adherence/invite/").status_code == 403
    assert user_client("kyoto.focal").get(f"{base}/party/kyoto/adherence/").status_code == 403
    assert user_client("catalonia.focal").get(f"{base}/party/kyoto/adhere/").status_code == 403
    assert user_client("kyoto.focal").get(f"{base}/party/kyoto/adhere/").status_code == 200
    # A party that was not invited has no adherence page.
    assert user_client("secretariat").get(f"{base}/party/occitanie/adherence/").status_code == 404


def test_the_secretariat_invites_and_records_through_the_pages(
    user_client: Any, closed: Signing, demo: Declaration
) -> None:
    """Invite from the board, record with a date; the board shows "Adhered on …" and the next edition."""
    client = user_client("secretariat")
    base = f"/d/{demo.slug}/signing"
    board = client.get(f"{base}/").text
    assert "Invite a party to adhere" in board and "edition-form" not in board
    page = client.get(f"{base}/adherence/invite/").text
    assert "Asked at the signing, did not sign" in page and ">Gyeonggi<" not in page
    response = client.post(f"{base}/adherence/invite/", {"party": "kyoto"})
    assert response.status_code == 302
    today = timezone.now().date()
    response = client.post(
        f"{base}/party/kyoto/adherence/",
        {
            "content_hash": closed.version.content_hash,
            "method": "in_person",
            "printed_name": "Sato Yuki",
            "printed_title": "Vice-Governor",
            "adhered_on": f"{today}",
        },
    )
    assert response.status_code == 302
    board = client.get(f"{base}/").text
    assert f"Adhered on {today}" in board
    assert "Issue edition 2 of the signed PDF (1 new adherence)" in board


def test_the_invited_signatory_adheres_through_the_page(user_client: Any, closed: Signing, demo: Declaration) -> None:
    """The adhere page shows the signed text and, for the designee, the form; a stale hash is refused."""
    _invite(closed, "kyoto")
    designate(closed, "kyoto")
    client = user_client("kyoto.signatory")
    url = f"/d/{demo.slug}/signing/party/kyoto/adhere/"
    page = client.get(url).text
    assert "Adhere to this text" in page and closed.version.content_hash in page
    assert Membership.objects.filter(user=user("kyoto.signatory"), role="signatory").exists()
    form = {
        "content_hash": closed.version.content_hash,
        "idempotency_key": str(uuid.uuid4()),
        "typed_name": "Sato Yuki",
        "password": "accord-demo",
        "method": "drawn",
        "drawing": "data:image/png;base64," + __import__("base64").b64encode(png_bytes()).decode(),
        "confirm": "on",
    }
    with committed():
        response = client.post(url, form)
    assert response.status_code == 302
    assert Signature.objects.get(party__key="kyoto").status == "adhered"
    assert "Your party adhered to this text on" in client.get(url).text


def test_a_new_partys_signatory_adheres(closed: Signing, demo: Declaration) -> None:
    """A party added to adhere gets its own signatory, designated after close, who adheres online."""
    bretagne = make_party("bretagne")
    signatory, focal = make_user("bretagne.signatory"), make_user("bretagne.focal")
    membership_add(user=signatory, party=bretagne, role=Membership.Role.SIGNATORY, by=None)
    membership_add(user=focal, party=bretagne, role=Membership.Role.FOCAL_POINT, by=None)
    _invite(closed, "bretagne")
    services.signatory_designate(
        signing_party=signing_party(closed, "bretagne"),
        user=signatory,
        printed_name="Loïc Le Goff",
        printed_title="President",
        by=focal,
    )
    with committed():
        signature = adherence.adherence_sign(
            signing_party=signing_party(closed, "bretagne"),
            content_hash=closed.version.content_hash,
            typed_name="loïc le goff",
            method=Signature.Method.UPLOADED,
            image=clean_signature_image(png_bytes()),
            idempotency_key=uuid.uuid4(),
            ip_address=None,
            user_agent="pytest",
            by=signatory,
        )
    assert signature.status == "adhered" and signature.printed_name == "Loïc Le Goff"


def test_home_asks_the_invited_party_to_designate_then_to_adhere(closed: Signing, client: Any) -> None:
    """After an invitation, the focal point's home asks for a signatory, the signatory's home to adhere; gone after."""
    from signing.home import waiting_for

    assert waiting_for(user("kyoto.focal")).to_designate == []  # closed, not invited: nothing waits
    _invite(closed, "kyoto")
    assert [sp.party.key for sp in waiting_for(user("kyoto.focal")).to_designate] == ["kyoto"]
    designate(closed, "kyoto")
    assert waiting_for(user("kyoto.focal")).to_designate == []
    client.force_login(user("kyoto.signatory"))
    page = client.get("/").content.decode()
    assert f"/d/{closed.declaration.slug}/signing/party/kyoto/adhere/" in page
    _adhere_online(closed, "kyoto")
    assert waiting_for(user("kyoto.signatory")).to_adhere == []
    assert waiting_for(user("gyeonggi.signatory")).to_adhere == []  # other parties: nothing


def test_after_close_the_board_says_did_not_answer_not_pending(
    user_client: Any, closed: Signing, demo: Declaration
) -> None:
    """Kyoto never answered: once signing is closed it is no longer "pending", in English and in Korean."""
    client = user_client("secretariat")
    board = client.get(f"/d/{demo.slug}/signing/").text
    assert '<li class="count-pending">1 did not answer</li>' in board
    assert "Did not answer</span>" in board and ">Pending<" not in board
    client.cookies["django_language"] = "ko"
    assert '<li class="count-pending">무응답 1</li>' in client.get(f"/d/{demo.slug}/signing/").text
