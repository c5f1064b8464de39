"""Adherence after close through the pages (issue 21, part 1): who may open them, and each step as a user takes it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from declarations.models import Declaration
from signatories.models import Membership
from signatories.services import membership_add
from signatories.tests.people_factories import make_party, make_user
from signing import adherence, services
from signing.images import clean_signature_image
from signing.models import Signature, Signing

from .adherence_helpers import (
    adhere_online,
    invite,
)
from .signing_helpers import committed, designate, png_bytes, signing_party, user

pytestmark = pytest.mark.django_db


# --- Pages ----------------------------------------------------------------------------------


def test_pages_keep_outsiders_out_and_need_the_secretariat(
    user_client: Any, closed: Signing, demo: Declaration
) -> None:
    """Outsiders get 404 everywhere; a party's focal point cannot invite or record (403)."""
    invite(closed, "kyoto")
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
    invite(closed, "kyoto")
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
    invite(closed, "bretagne")
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
    invite(closed, "kyoto")
    assert [sp.party.key for sp in waiting_for(user("kyoto.focal")).to_designate] == ["kyoto"]
    designate(closed, "kyoto")
    assert waiting_for(user("kyoto.focal")).to_designate == []
    client.force_login(user("kyoto.signatory"))
    page = client.get("/").content.decode()
    assert f"/d/{closed.declaration.slug}/signing/party/kyoto/adhere/" in page
    adhere_online(closed, "kyoto")
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
