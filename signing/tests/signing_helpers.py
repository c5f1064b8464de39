"""Builders for signing tests: open signing on the demo, designate, sign, correct a clause."""

from __future__ import annotations

import base64
import io
import uuid
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from declarations.demo import DEMO_PARTIES
from declarations.models import Clause, ClauseText, Declaration, DeclarationVersion
from declarations.services import version_publish
from signatories.models import Party
from signing import services
from signing.images import clean_signature_image
from signing.models import Signature, Signing, SigningParty

PRINTED = {
    "gyeonggi": ("Kim Min-ji", "Minister for Digital Policies", "for the Gyeonggi Provincial Government"),
    "catalonia": ("Jordi Puig", "Minister for Digital Policies", "for the Government of Catalonia"),
    "kyoto": ("Sato Yuki", "Vice-Governor", "for Kyoto Prefecture"),
    "occitanie": ("Marie Dupont", "Vice-President", ""),
}


def committed() -> AbstractContextManager[list[Any]]:
    """Run what a service queued for after its commit (files, mail): a test's transaction never commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def user(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=username)


def png_bytes(size: tuple[int, int] = (300, 100), fmt: str = "PNG", **save: object) -> bytes:
    image = Image.new("RGB", size, "white")
    for x in range(10, size[0] - 10):
        image.putpixel((x, size[1] // 2), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def drawing_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes()).decode()


def open_signing(
    declaration: Declaration, parties: list[str] | None = None, *, ordered: bool = False, stale_reason: str = ""
) -> Signing:
    """Open signing on the latest version; `stale_reason` confirms translations flagged out of date in it."""
    version = declaration.versions.order_by("-number").first()
    assert version is not None
    return services.signing_open(
        declaration=declaration,
        version=version,
        parties=[Party.objects.get(key=k) for k in (parties or DEMO_PARTIES)],
        deadline=timezone.now() + timedelta(days=7),
        ordered=ordered,
        stale_reason=stale_reason,
        by=user("secretariat"),
    )


def signing_party(signing: Signing, key: str) -> SigningParty:
    return SigningParty.objects.select_related("party", "signing__version", "signing__declaration").get(
        signing=signing, party__key=key
    )


def designate(signing: Signing, key: str) -> SigningParty:
    name, title, capacity = PRINTED[key]
    return services.signatory_designate(
        signing_party=signing_party(signing, key),
        user=user(f"{key}.signatory"),
        printed_name=name,
        printed_title=title,
        capacity=capacity,
        by=user(f"{key}.focal"),
    )


def sign(signing: Signing, key: str, *, content_hash: str | None = None, token: uuid.UUID | None = None) -> Signature:
    signing.refresh_from_db()
    with committed():
        return services.signature_sign(
            signing_party=signing_party(signing, key),
            content_hash=content_hash or signing.version.content_hash,
            typed_name=PRINTED[key][0],
            method=Signature.Method.DRAWN,
            image=clean_signature_image(png_bytes()),
            idempotency_key=token or uuid.uuid4(),
            ip_address="203.0.113.7",
            user_agent="pytest",
            by=user(f"{key}.signatory"),
        )


def decline(signing: Signing, key: str, reason: str = "Our parliament has not approved it.", *, public: bool = False):  # type: ignore[no-untyped-def]
    signing.refresh_from_db()
    return services.signature_decline(
        signing_party=signing_party(signing, key),
        content_hash=signing.version.content_hash,
        reason=reason,
        reason_public=public,
        idempotency_key=uuid.uuid4(),
        ip_address="203.0.113.8",
        user_agent="pytest",
        by=user(f"{key}.signatory"),
    )


def record_paper(signing: Signing, key: str) -> Signature:
    from signing.images import Scan

    name, title, capacity = PRINTED[key]
    with committed():
        return services.signature_record_offline(
            signing_party=signing_party(signing, key),
            method=Signature.Method.PAPER,
            printed_name=name,
            printed_title=title,
            capacity=capacity,
            signed_at=timezone.now(),
            scan=Scan(ContentFile(b"%PDF-1.4\n%%EOF\n", name="scan.pdf"), "0" * 64),
            by=user("secretariat"),
        )


def correct_clause(declaration: Declaration, key: str, text: str, language: str = "en") -> None:
    """Edit a clause's text directly (the drafting UI is not part of these tests)."""
    item = ClauseText.objects.get(clause__declaration=declaration, clause__key=key, language=language)
    item.text = text
    item.revision += 1
    item.save()


def publish_and_reopen(
    signing: Signing, label: str = "Final 30/09/2024", *, stale_reason: str = ""
) -> tuple[DeclarationVersion, list[Signature]]:
    declaration = signing.declaration
    version = version_publish(declaration=declaration, label=label, by=user("secretariat"))
    signing.refresh_from_db()
    return version, services.signing_reopen(
        signing=signing, version=version, stale_reason=stale_reason, by=user("secretariat")
    )


def first_clause_key(declaration: Declaration) -> str:
    return Clause.objects.filter(declaration=declaration).order_by("section__position", "position").first().key  # type: ignore[union-attr]
