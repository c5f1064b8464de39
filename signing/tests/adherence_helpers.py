"""Adherence after close: a closed signing and the secretariat's and a party's steps (test_signing_adherence*.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from declarations.models import Declaration
from signatories.models import Party
from signing import adherence, services
from signing.images import clean_signature_image
from signing.models import Signature, Signing, SigningEvent, SigningParty
from signing.refusals import signature_record_refusal

from .signing_helpers import committed, designate, open_signing, png_bytes, sign, signing_party, user

A_YEAR = timedelta(days=365)
_real_now = timezone.now


@contextmanager
def a_year_later() -> Iterator[datetime]:
    """The clock a year ahead, for everything that asks django.utils.timezone.now (services, sessions)."""
    with mock.patch("django.utils.timezone.now", side_effect=lambda: _real_now() + A_YEAR):
        yield _real_now() + A_YEAR


def closed_signing(demo: Declaration) -> Signing:
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


def invite(signing: Signing, key: str) -> SigningParty:
    with committed():
        return adherence.adherence_invite(signing=signing, party=Party.objects.get(key=key), by=user("secretariat"))


def record_offline(signing: Signing, key: str, on: date, **extra: Any) -> Signature:
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


def adhere_online(signing: Signing, key: str, **extra: Any) -> Signature:
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


def state_of(demo: Declaration) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    return (
        list(Signature.objects.order_by("pk").values_list("pk", "status", "signed_at")),
        list(SigningParty.objects.order_by("pk").values_list("pk", "adherence_invited_at", "signatory_id")),
        SigningEvent.objects.filter(declaration=demo).count(),
        Signing.objects.get().status,
        Declaration.objects.get(pk=demo.pk).status,
    )


def audit_ok(demo: Declaration, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("verify_audit", demo.slug)
    assert capsys.readouterr().out.startswith("OK:")
