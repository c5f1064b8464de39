"""Designation: a party's focal point names its signatory and what to print under the signature."""

from __future__ import annotations

import pytest
from django.core import mail

from declarations.models import Declaration
from signing.services import SigningError, signatory_designate

from .signing_helpers import designate, open_signing, sign, signing_party, user

pytestmark = pytest.mark.django_db


def test_designation_grants_the_sign_permission(demo: Declaration) -> None:
    """The designated signatory holds sign_declaration on the declaration, nobody else in the party."""
    signing = open_signing(demo)
    sp = designate(signing, "catalonia")
    assert sp.printed_title == "Minister for Digital Policies"
    assert sp.capacity == "for the Government of Catalonia"
    assert user("catalonia.signatory").has_perm("declarations.sign_declaration", demo)
    assert not user("catalonia.reviewer").has_perm("declarations.sign_declaration", demo)


def test_only_a_signatory_of_the_party_can_be_designated(demo: Declaration) -> None:
    """A reviewer, or another party's signatory, cannot be designated."""
    signing = open_signing(demo)
    for username in ["catalonia.reviewer", "kyoto.signatory"]:
        with pytest.raises(SigningError):
            signatory_designate(
                signing_party=signing_party(signing, "catalonia"),
                user=user(username),
                printed_name="X",
                printed_title="Y",
                by=user("catalonia.focal"),
            )


def test_designation_cannot_change_after_signing(demo: Declaration) -> None:
    """Once the party signed, the designation stays until the signature is revoked."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    with pytest.raises(SigningError):
        designate(signing, "gyeonggi")


def test_designated_signatory_is_emailed(demo: Declaration, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """The designated signatory gets an e-mail with the link to the signing page."""
    signing = open_signing(demo)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        designate(signing, "kyoto")
    assert [m.to for m in mail.outbox] == [["kyoto.signatory@demo.accord.invalid"]]
    assert f"/d/{demo.slug}/signing/party/kyoto/" in mail.outbox[0].body


def test_focal_point_designates_through_the_form(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The focal point's form lists the party's signatories and saves the printed name."""
    from signatories.models import Membership

    signing = open_signing(demo)
    client = user_client("occitanie.focal")
    page = client.get(f"/d/{demo.slug}/signing/party/occitanie/designate/")
    assert page.status_code == 200
    membership = Membership.objects.get(user__username="occitanie.signatory", role="signatory")
    response = client.post(
        f"/d/{demo.slug}/signing/party/occitanie/designate/",
        {"signatory": membership.pk, "printed_name": "Marie Dupont", "printed_title": "Vice-President"},
    )
    assert response.status_code == 302
    assert signing_party(signing, "occitanie").printed_name == "Marie Dupont"


@pytest.mark.parametrize(
    ("username", "status"),
    [("occitanie.reviewer", 403), ("occitanie.signatory", 403), ("kyoto.focal", 403), ("outsider", 404)],
)
def test_only_the_focal_point_designates(user_client, demo: Declaration, username: str, status: int) -> None:  # type: ignore[no-untyped-def]
    """Reviewers, signatories and other parties' focal points get 403; outsiders 404."""
    open_signing(demo)
    assert user_client(username).get(f"/d/{demo.slug}/signing/party/occitanie/designate/").status_code == status
