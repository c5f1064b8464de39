"""Signing: the designated signatory signs exactly the text they saw, once."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction

from declarations.models import Declaration
from signing.models import Signature
from signing.services import SigningError, StaleTextError, normalise_name

from .signing_helpers import decline, designate, open_signing, sign, user

pytestmark = pytest.mark.django_db


def test_signature_records_version_hash_time_ip_agent_and_method(demo: Declaration) -> None:
    """A signature stores the version, its content hash, UTC time, IP, user agent and method."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    signature = sign(signing, "gyeonggi")
    assert signature.version == signing.version
    assert signature.content_hash == signing.version.content_hash
    assert signature.signed_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert (signature.ip_address, signature.user_agent, signature.method) == ("203.0.113.7", "pytest", "drawn")
    assert signature.printed_name == "Kim Min-ji"
    assert signature.image.read().startswith(b"\x89PNG")


def test_a_different_hash_is_refused(demo: Declaration) -> None:
    """A form carrying another text's hash is refused: the signer must read the current text."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    with pytest.raises(StaleTextError, match="The text changed while you were reading"):
        sign(signing, "gyeonggi", content_hash="0" * 64)
    assert not Signature.objects.exists()


def test_the_same_form_twice_creates_one_signature(demo: Declaration) -> None:
    """Resubmitting the same form (same idempotency key) returns the first signature."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    token = uuid.uuid4()
    first = sign(signing, "gyeonggi", token=token)
    second = sign(signing, "gyeonggi", token=token)
    assert first.pk == second.pk
    assert Signature.objects.count() == 1


def test_a_second_signature_for_the_party_is_refused(demo: Declaration) -> None:
    """Another form for a party that already signed is refused."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    with pytest.raises(SigningError, match="already answered"):
        sign(signing, "gyeonggi")


def test_the_database_allows_one_live_signature_per_party(demo: Declaration) -> None:
    """Even bypassing the service, a second live answer for a party violates a constraint."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    first = sign(signing, "gyeonggi")
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            signing=signing,
            party=first.party,
            version=first.version,
            content_hash=first.content_hash,
            status=Signature.Status.DECLINED,
            method=Signature.Method.DECLINED,
            signed_at=first.signed_at,
        )


def test_typed_name_must_match_the_printed_name(demo: Declaration) -> None:
    """The typed name is compared case-insensitively with whitespace collapsed; others are refused."""
    assert normalise_name("  kim   MIN-JI ") == normalise_name("Kim Min-ji")
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    from signing import services
    from signing.images import clean_signature_image

    from .signing_helpers import png_bytes, signing_party

    with pytest.raises(SigningError, match="Type your name"):
        services.signature_sign(
            signing_party=signing_party(signing, "gyeonggi"),
            content_hash=signing.version.content_hash,
            typed_name="Someone Else",
            method=Signature.Method.DRAWN,
            image=clean_signature_image(png_bytes()),
            idempotency_key=uuid.uuid4(),
            ip_address=None,
            user_agent="",
            by=user("gyeonggi.signatory"),
        )


def test_in_order_a_party_waits_for_the_previous_ones(demo: Declaration) -> None:
    """With an order, the second party can sign only after the first signed or declined."""
    signing = open_signing(demo, ["gyeonggi", "catalonia"], ordered=True)
    designate(signing, "gyeonggi")
    designate(signing, "catalonia")
    with pytest.raises(SigningError, match="waiting for Gyeonggi"):
        sign(signing, "catalonia")
    decline(signing, "gyeonggi")
    assert sign(signing, "catalonia").status == Signature.Status.SIGNED


def test_in_parallel_anyone_signs_first(demo: Declaration) -> None:
    """Without an order, the last party may sign first."""
    signing = open_signing(demo)
    designate(signing, "occitanie")
    assert sign(signing, "occitanie").status == Signature.Status.SIGNED
