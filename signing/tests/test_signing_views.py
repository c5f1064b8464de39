"""The signing page: who may read it, who may sign, and what the form checks."""

from __future__ import annotations

from typing import Any

import pytest

from declarations.models import Declaration
from signing.models import Signature

from .signing_helpers import designate, drawing_data_url, open_signing

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing(demo: Declaration) -> Any:
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    return signing


def _form(signing: Any, **extra: str) -> dict[str, str]:
    import uuid

    data = {
        "content_hash": signing.version.content_hash,
        "idempotency_key": str(uuid.uuid4()),
        "password": "accord-demo",
        "typed_name": "kim min-ji",
        "method": "drawn",
        "drawing": drawing_data_url(),
        "confirm": "on",
    }
    data.update(extra)
    return data


def _url(demo: Declaration, party: str = "gyeonggi", action: str = "") -> str:
    return f"/d/{demo.slug}/signing/party/{party}/{action}"


def test_signatory_reads_the_frozen_text_in_korean(user_client, demo: Declaration, signing: Any) -> None:  # type: ignore[no-untyped-def]
    """The signing page shows the version's frozen text in the chosen language and its hash."""
    response = user_client("gyeonggi.signatory").get(_url(demo) + "?lang=ko")
    assert response.status_code == 200
    assert "신뢰할 수 있는 AI" in response.content.decode()
    assert signing.version.content_hash.encode() in response.content
    assert b'id="signature-pad"' in response.content


def test_signatory_signs_by_drawing(user_client, demo: Declaration, signing: Any) -> None:  # type: ignore[no-untyped-def]
    """Posting a drawing, the password, the printed name and the confirmation records a signature."""
    response = user_client("gyeonggi.signatory").post(_url(demo), _form(signing), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.method, signature.ip_address) == ("drawn", "198.51.100.4")


def test_wrong_password_is_refused(user_client, demo: Declaration, signing: Any) -> None:  # type: ignore[no-untyped-def]
    """A wrong password re-shows the form with an error and records nothing."""
    response = user_client("gyeonggi.signatory").post(_url(demo), _form(signing, password="nope"))
    assert response.status_code == 400
    assert b"The password is not correct." in response.content
    assert not Signature.objects.exists()


def test_unconfirmed_undertaking_is_refused(user_client, demo: Declaration, signing: Any) -> None:  # type: ignore[no-untyped-def]
    """Without ticking the undertaking nothing is signed."""
    data = _form(signing)
    del data["confirm"]
    assert user_client("gyeonggi.signatory").post(_url(demo), data).status_code == 400
    assert not Signature.objects.exists()


def test_stale_text_sends_the_signer_back_to_read(user_client, demo: Declaration, signing: Any) -> None:  # type: ignore[no-untyped-def]
    """A form with an old hash redirects to the page with the message to review the new text."""
    client = user_client("gyeonggi.signatory")
    response = client.post(_url(demo), _form(signing, content_hash="a" * 64), follow=True)
    assert b"The text changed while you were reading; please review the new text." in response.content
    assert not Signature.objects.exists()


def test_double_submission_creates_one_signature(user_client, demo: Declaration, signing: Any) -> None:  # type: ignore[no-untyped-def]
    """The same form posted twice records one signature."""
    client = user_client("gyeonggi.signatory")
    data = _form(signing)
    assert client.post(_url(demo), data).status_code == 302
    assert client.post(_url(demo), data).status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("gyeonggi.reviewer", 403),
        ("gyeonggi.focal", 403),
        ("catalonia.signatory", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_only_the_designated_signatory_signs(
    user_client, demo: Declaration, signing: Any, username: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    """Reviewer, focal point, another party's signatory and observers get 403; outsiders 404."""
    assert user_client(username).post(_url(demo), _form(signing)).status_code == status
    assert not Signature.objects.exists()


def test_undesignated_signatory_cannot_sign(user_client, demo: Declaration, signing: Any) -> None:  # type: ignore[no-untyped-def]
    """A signatory whose party has not designated them gets 403."""
    assert user_client("kyoto.signatory").post(_url(demo, "kyoto"), _form(signing)).status_code == 403


@pytest.mark.parametrize(("username", "status"), [("gyeonggi.reviewer", 403), ("kyoto.focal", 403), ("outsider", 404)])
def test_who_may_open_the_signing_page(
    user_client, demo: Declaration, signing: Any, username: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    """Only the party's designated signatory and focal point read its signing page."""
    assert user_client(username).get(_url(demo)).status_code == status
    assert user_client("gyeonggi.focal").get(_url(demo)).status_code == 200


def test_signing_page_summarises_the_partys_comments(user_client, demo: Declaration, signing: Any, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The page lists each comment of the party with its outcome, reason and the version reflecting it."""
    from types import SimpleNamespace

    import consultations.selectors

    outcome = SimpleNamespace(
        round_number=1,
        number=3,
        clause_ref="§ 12",
        kind_label="Amendment",
        excerpt="Replace “should” with “must”.",
        disposition="accepted",
        disposition_label="Accepted",
        reason="Agreed by all parties.",
        reflected_in=2,
    )
    calls: list[Any] = []

    def outcomes(*, declaration: Any, party: Any) -> list[Any]:
        calls.append(party.key)
        return [outcome]

    monkeypatch.setattr(consultations.selectors, "party_comment_outcomes", outcomes)
    content = user_client("gyeonggi.signatory").get(_url(demo)).content.decode()
    assert calls == ["gyeonggi"]
    for text in [
        "§ 12",
        "Amendment",
        "Replace “should” with “must”.",
        "Accepted",
        "Agreed by all parties.",
        "version 2",
    ]:
        assert text in content
