"""Declining with a reason shown as the party chose, and revoking one's own answer."""

from __future__ import annotations

import pytest

from declarations.models import Declaration
from signing.models import Signature, SigningEvent
from signing.services import SigningError, signature_revoke

from .signing_helpers import decline, designate, open_signing, sign, signing_party, user

pytestmark = pytest.mark.django_db

REASON = "Our parliament has not approved clause 12."


def test_private_reason_is_hidden_from_other_parties(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """A reason for the secretariat only is shown to the secretariat and the party, not to others."""
    signing = open_signing(demo)
    designate(signing, "occitanie")
    decline(signing, "occitanie", REASON, public=False)
    board = f"/d/{demo.slug}/signing/"
    assert REASON in user_client("secretariat").get(board).content.decode()
    assert REASON in user_client("occitanie.reviewer").get(board).content.decode()
    other = user_client("kyoto.reviewer").get(board).content.decode()
    assert REASON not in other
    assert "The reason is shared with the secretariat only." in other


def test_public_reason_is_visible_to_other_parties(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """A public reason is shown to every participant."""
    signing = open_signing(demo)
    designate(signing, "occitanie")
    decline(signing, "occitanie", REASON, public=True)
    assert REASON in user_client("kyoto.reviewer").get(f"/d/{demo.slug}/signing/").content.decode()


def test_decline_needs_a_reason(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The decline form without a reason is refused."""
    signing = open_signing(demo)
    response = user_client("occitanie.focal").post(
        f"/d/{demo.slug}/signing/party/occitanie/decline/",
        {
            "content_hash": signing.version.content_hash,
            "idempotency_key": "7d3c2b1e-0000-4000-8000-000000000000",
            "reason": " ",
            "visibility": "public",
        },
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    ("username", "status"), [("occitanie.reviewer", 403), ("kyoto.signatory", 403), ("outsider", 404)]
)
def test_only_the_party_declines(user_client, demo: Declaration, username: str, status: int) -> None:  # type: ignore[no-untyped-def]
    """Reviewers and other parties get 403 on declining; outsiders 404."""
    signing = open_signing(demo)
    response = user_client(username).post(
        f"/d/{demo.slug}/signing/party/occitanie/decline/",
        {
            "content_hash": signing.version.content_hash,
            "idempotency_key": "7d3c2b1e-0000-4000-8000-000000000001",
            "reason": "No",
            "visibility": "public",
        },
    )
    assert response.status_code == status


def test_revoking_keeps_the_signature_on_record(demo: Declaration) -> None:
    """A revoked signature stays as a row marked revoked, and the party may sign again."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    first = sign(signing, "gyeonggi")
    signature_revoke(
        signing_party=signing_party(signing, "gyeonggi"), reason="Signed too early", by=user("gyeonggi.signatory")
    )
    first.refresh_from_db()
    assert (first.status, first.revoke_reason) == (Signature.Status.REVOKED, "Signed too early")
    assert first.revoked_at is not None
    assert sign(signing, "gyeonggi").status == Signature.Status.SIGNED
    assert Signature.objects.count() == 2
    assert SigningEvent.objects.filter(kind=SigningEvent.Kind.REVOKED).count() == 1


def test_only_the_signer_revokes(demo: Declaration) -> None:
    """The party's focal point cannot revoke the signatory's signature."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    with pytest.raises(SigningError):
        signature_revoke(signing_party=signing_party(signing, "gyeonggi"), by=user("gyeonggi.focal"))


def test_revoke_through_the_page(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The signer's revoke button marks the signature revoked."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    signature = sign(signing, "gyeonggi")
    response = user_client("gyeonggi.signatory").post(f"/d/{demo.slug}/signing/party/gyeonggi/revoke/", {"reason": ""})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REVOKED
