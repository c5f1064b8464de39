"""Opening signing: the secretariat marks a published version final and asks parties to sign it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from declarations.models import Declaration
from signing.models import Signing, SigningEvent
from signing.services import SigningError, default_undertaking

from .signing_helpers import open_signing

pytestmark = pytest.mark.django_db


def test_open_marks_version_final_and_moves_declaration_to_signing(demo: Declaration) -> None:
    """Opening signing marks the version final and the declaration's status becomes signing."""
    signing = open_signing(demo)
    demo.refresh_from_db()
    assert demo.status == Declaration.Status.SIGNING
    assert signing.version.is_final
    assert [sp.party.key for sp in signing.parties.order_by("position")] == [
        "gyeonggi",
        "catalonia",
        "kyoto",
        "occitanie",
    ]


def test_default_undertaking_comes_from_the_undertaking_clause(demo: Declaration) -> None:
    """The undertaking defaults to the manifesto's "undertaking" clause, in every language."""
    signing = open_signing(demo)
    assert signing.undertaking["en"].startswith("We, the undersigned, commit to advancing trustworthy AI")
    assert "ko" in signing.undertaking
    assert default_undertaking(signing.version) == signing.undertaking


def test_focal_points_are_asked_to_designate(demo: Declaration, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """Every focal point of a signing party gets an e-mail asking for a designation."""
    with django_capture_on_commit_callbacks(execute=True):
        open_signing(demo)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{k}.focal@demo.accord.invalid" for k in ["gyeonggi", "catalonia", "kyoto", "occitanie"]
    )


def test_signing_opens_once(demo: Declaration) -> None:
    """A second opening is refused; reopening on a new version is a different action."""
    open_signing(demo)
    with pytest.raises(SigningError):
        open_signing(demo)


def test_opening_is_audited(demo: Declaration) -> None:
    """The audit trail starts with an "opened" entry naming the version hash and parties."""
    signing = open_signing(demo)
    event = SigningEvent.objects.get(declaration=demo)
    assert event.kind == SigningEvent.Kind.OPENED
    assert event.content_hash == signing.version.content_hash
    assert event.data["parties"] == ["gyeonggi", "catalonia", "kyoto", "occitanie"]


def test_open_form_defaults_to_all_participants(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The secretariat's form lists every participant checked and the default undertaking."""
    response = user_client("secretariat").get(f"/d/{demo.slug}/signing/open/")
    assert response.status_code == 200
    assert response.content.count(b'name="parties"') == 15
    assert response.content.count(b"checked") >= 15
    assert b"We, the undersigned" in response.content


def test_open_form_opens_signing_in_the_given_order(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """Posting the form opens signing for the chosen parties in the positions given."""
    from signatories.models import Party

    keys = ["gyeonggi", "catalonia", "kyoto", "occitanie"]
    data = {
        "version": demo.versions.get().pk,
        "parties": [Party.objects.get(key=k).pk for k in keys],
        "ordered": "on",
        "deadline": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "undertaking_en": "We, the undersigned, commit to advancing trustworthy AI as outlined above",
        "undertaking_ko": "우리 서명인은",
        "order_occitanie": "1",
        "order_kyoto": "2",
    }
    response = user_client("secretariat").post(f"/d/{demo.slug}/signing/open/", data)
    assert response.status_code == 302
    signing = Signing.objects.get(declaration=demo)
    assert signing.ordered
    assert [sp.party.key for sp in signing.parties.order_by("position")][:2] == ["occitanie", "kyoto"]


@pytest.mark.parametrize(("username", "status"), [("gyeonggi.focal", 403), ("observer", 403), ("outsider", 404)])
def test_only_the_secretariat_opens_signing(user_client, demo: Declaration, username: str, status: int) -> None:  # type: ignore[no-untyped-def]
    """Participants and observers get 403 on the opening form; outsiders 404."""
    assert user_client(username).get(f"/d/{demo.slug}/signing/open/").status_code == status
