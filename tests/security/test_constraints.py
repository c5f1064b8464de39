"""The database itself refuses what the business rules forbid, even when a write bypasses the services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.models import Comment, RoundInvitation
from declarations.models import Clause, ClauseText, Declaration, DeclarationVersion, Section
from signing.models import Signature, SigningEvent
from signing.tests.signing_helpers import designate, open_signing, sign

from .conftest import clause, open_round, party, user

pytestmark = pytest.mark.django_db


def _refused(write: Callable[[], Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_two_live_signatures_per_party_are_refused(demo: Declaration) -> None:
    """A second signed (or declined) row for the same party in the same signing is refused."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    first = sign(signing, "gyeonggi")

    def second(status: str, method: str) -> Callable[[], Any]:
        return lambda: Signature.objects.create(
            signing=signing,
            party=first.party,
            version=first.version,
            content_hash=first.content_hash,
            status=status,
            method=method,
            signed_at=timezone.now(),
        )

    _refused(second(Signature.Status.SIGNED, Signature.Method.PAPER))
    _refused(second(Signature.Status.DECLINED, Signature.Method.DECLINED))
    second(Signature.Status.REVOKED, Signature.Method.DRAWN)()  # history rows are allowed


def test_idempotency_key_is_unique(demo: Declaration) -> None:
    """One form, one answer: two rows cannot share an idempotency key, even for different parties."""
    signing = open_signing(demo)
    version, token = signing.version, uuid.uuid4()

    def answer(key: str) -> Callable[[], Any]:
        return lambda: Signature.objects.create(
            signing=signing,
            party=party(key),
            version=version,
            content_hash=version.content_hash,
            status=Signature.Status.SIGNED,
            method=Signature.Method.PAPER,
            signed_at=timezone.now(),
            idempotency_key=token,
        )

    answer("catalonia")()
    _refused(answer("kyoto"))


def test_a_declined_row_can_never_be_signed(demo: Declaration) -> None:
    """method=declined with status=signed is refused."""
    signing = open_signing(demo)
    version = signing.version
    _refused(
        lambda: Signature.objects.create(
            signing=signing,
            party=party("kyoto"),
            version=version,
            content_hash=version.content_hash,
            status=Signature.Status.SIGNED,
            method=Signature.Method.DECLINED,
            signed_at=timezone.now(),
        )
    )


def test_duplicate_version_number_is_refused(demo: Declaration) -> None:
    """Two versions of one declaration cannot share a number; number 0 is refused."""
    v1 = demo.versions.get(number=1)

    def copy(number: int) -> Callable[[], Any]:
        return lambda: DeclarationVersion.objects.create(
            declaration=demo,
            number=number,
            label="dup",
            snapshot=v1.snapshot,
            content_hash=v1.content_hash,
            published_at=timezone.now(),
        )

    _refused(copy(1))
    _refused(copy(0))


def test_second_final_version_is_refused(demo: Declaration) -> None:
    """Only one version of a declaration may be the final text (new constraint)."""
    v1 = demo.versions.get(number=1)
    v1.is_final = True
    v1.save(update_fields=["is_final"])
    _refused(
        lambda: DeclarationVersion.objects.create(
            declaration=demo,
            number=2,
            label="also final",
            snapshot=v1.snapshot,
            content_hash=v1.content_hash,
            published_at=timezone.now(),
            is_final=True,
        )
    )


def test_duplicate_keys_and_languages_are_refused(demo: Declaration) -> None:
    """Clause keys and section keys are unique per declaration; one text row per clause and language."""
    existing = clause(demo)
    _refused(lambda: Clause.objects.create(declaration=demo, section=existing.section, key=existing.key))
    _refused(lambda: Section.objects.create(declaration=demo, key=existing.section.key))
    _refused(lambda: ClauseText.objects.create(clause=existing, language="en", text="second English"))


def test_duplicate_invitation_and_comment_numbers_are_refused(demo: Declaration) -> None:
    """A party is invited once per round; comment numbers are unique per round."""
    rnd = open_round(demo)
    _refused(lambda: RoundInvitation.objects.create(round=rnd, party=party("gyeonggi")))

    def comment(**fields: Any) -> Callable[[], Any]:
        defaults: dict[str, Any] = {
            "round": rnd,
            "party": party("gyeonggi"),
            "author": user("gyeonggi.reviewer"),
            "language": "en",
            "text": "x",
            "status": Comment.Status.SUBMITTED,
            "number": 1,
            "submitted_at": timezone.now(),
        }
        return lambda: Comment.objects.create(**{**defaults, **fields})

    comment()()
    _refused(comment())
    _refused(comment(number=2, disposition=Comment.Disposition.REJECTED, disposition_reason=""))
    _refused(comment(number=3, status=Comment.Status.WITHDRAWN, withdrawal_reason=""))
    _refused(comment(number=None))
    _refused(comment(number=4, kind=Comment.Kind.PROPOSED_TEXT))  # a proposal names its clause and base
    _refused(comment(number=5, disposition="maybe", disposition_reason="why not"))


def test_disposition_without_reason_is_refused_on_update(demo: Declaration) -> None:
    """Even an UPDATE that bypasses the service cannot record a disposition without a reason."""
    rnd = open_round(demo)
    created = Comment.objects.create(
        round=rnd,
        party=party("gyeonggi"),
        author=user("gyeonggi.reviewer"),
        language="en",
        text="x",
        status=Comment.Status.SUBMITTED,
        number=1,
        submitted_at=timezone.now(),
    )
    _refused(lambda: Comment.objects.filter(pk=created.pk).update(disposition=Comment.Disposition.ACCEPTED))


def test_audit_sequence_is_unique(demo: Declaration) -> None:
    """Two audit entries cannot claim the same place in a declaration's chain."""
    open_signing(demo)
    entry = SigningEvent.objects.get()
    _refused(
        lambda: SigningEvent.objects.bulk_create(
            [
                SigningEvent(
                    declaration=demo,
                    seq=entry.seq,
                    kind=entry.kind,
                    at=entry.at,
                    prev_hash="0" * 64,
                    entry_hash="1" * 64,
                )
            ]
        )
    )
