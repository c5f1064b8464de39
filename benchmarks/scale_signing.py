"""UN-scale data: signing on the final version through the real signing services (a valid audit chain)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from declarations.models import (
    Declaration,
)
from signatories.models import Party
from signing import services as signing_services
from signing.images import clean_signature_image
from signing.models import Signature, Signing, SigningParty

from .scale_base import (
    ScaleSize,
    _png,
    _prefix,
    secretariat_username,
)


def build_signing(declaration: Declaration, size: ScaleSize, *, on_step: object = None) -> Signing:
    """Signing on the final version through the real services (a valid audit chain), then closed."""
    say = on_step if callable(on_step) else (lambda message: None)
    User = get_user_model()
    secretariat = User.objects.get(username=secretariat_username(declaration.slug))
    version = declaration.versions.order_by("-number").first()
    assert version is not None
    parties = list(Party.objects.filter(key__startswith=_prefix(declaration.slug)).order_by("key"))
    signing = signing_services.signing_open(
        declaration=declaration,
        version=version,
        parties=parties,
        deadline=timezone.now() + timedelta(days=14),
        undertaking={"en": "In witness whereof, the undersigned have signed this declaration."},
        by=secretariat,
    )
    users = {u.username: u for u in User.objects.filter(username__startswith=_prefix(declaration.slug))}
    png = _png()
    signing_parties = {
        sp.party_id: sp
        for sp in SigningParty.objects.filter(signing=signing).select_related("party", "signing__version")
    }
    for party in parties[: size.signatures]:
        sp = signing_parties[party.pk]
        name = f"Representative of {party.short_name}"
        signing_services.signatory_designate(
            signing_party=sp,
            user=users[f"{party.key}.signatory"],
            printed_name=name,
            printed_title="Permanent Representative to the United Nations",
            capacity=f"for the Government of {party.display_name('en')}",
            by=users[f"{party.key}.focal"],
        )
        signing_services.signature_sign(
            signing_party=sp,
            content_hash=version.content_hash,
            typed_name=name,
            method=Signature.Method.DRAWN,
            image=clean_signature_image(png),
            idempotency_key=uuid.uuid4(),
            ip_address="203.0.113.10",
            user_agent="accord-benchmark",
            by=users[f"{party.key}.signatory"],
        )
    say(f"{size.signatures} signatures on version {version.number}")
    signing = signing_services.signing_close(signing=signing, by=secretariat)
    say("signing closed")
    return signing
