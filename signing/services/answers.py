"""A party's answer: designating who signs, signing, declining, revoking, and answers recorded offline."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from config.auth_types import User
from declarations.models import DeclarationVersion
from signatories.models import Membership, Party
from signatories.notifications import notify

from ..audit import audit_append
from ..images import Scan
from ..models import Signature, Signing, SigningParty
from .common import (
    SIGN_PERM,
    Kind,
    SigningError,
    StaleTextError,
    _check_turn,
    _clean_printed,
    _clean_reason,
    _live,
    _lock,
    _signing_url,
    _store_after_commit,
    answer_data,
    normalise_name,
)


class DesignationConflict(SigningError):
    """Another designation was saved after the form was loaded."""

    def __init__(self, current: SigningParty) -> None:
        self.current = current
        super().__init__(
            _("%(by)s designated %(name)s (%(user)s) while you were filling in the form; review it before changing it.")
            % {
                "by": current.designated_by.get_username() if current.designated_by else "?",
                "name": current.printed_name,
                "user": current.signatory.get_username() if current.signatory else "?",
            }
        )


def designation_stamp(signing_party: SigningParty) -> str:
    """What identifies the designation a form was made against: its time, to the microsecond."""
    return signing_party.designated_at.isoformat() if signing_party.designated_at else ""


def signatory_designate(
    *,
    signing_party: SigningParty,
    user: User,
    printed_name: str,
    printed_title: str,
    capacity: str = "",
    seen_designation: str | None = None,
    by: User,
) -> SigningParty:
    """Name the person who signs for a party and what to print under the signature.

    `seen_designation` (designation_stamp when the form was made): DesignationConflict when another
    designation was saved since.
    """
    printed_name, printed_title, capacity = _clean_printed(printed_name, printed_title, capacity)
    party = signing_party.party
    if not Membership.objects.filter(user=user, party=party, role=Membership.Role.SIGNATORY).exists():
        raise SigningError(
            _("%(user)s is not a signatory of %(party)s.") % {"user": user.get_username(), "party": party.short_name}
        )
    with transaction.atomic():
        signing = _lock(signing_party.signing, adhering=signing_party)
        locked = (
            SigningParty.objects.select_for_update(of=("self",))
            .select_related("signatory", "designated_by")
            .get(pk=signing_party.pk)
        )
        if seen_designation is not None and seen_designation != designation_stamp(locked):
            raise DesignationConflict(locked)
        live = _live(signing, party)
        if live is not None and live.status == Signature.Status.SIGNED:
            raise SigningError(
                _("Your party has already signed; the signature must be revoked before the designation changes.")
            )
        previous = locked.signatory
        locked.signatory = user
        locked.printed_name, locked.printed_title, locked.capacity = printed_name, printed_title, capacity
        locked.designated_at, locked.designated_by = timezone.now(), by
        locked.save()
        if previous is not None and previous.pk != user.pk:
            still = SigningParty.objects.filter(signing=signing, signatory=previous).exists()
            if not still:
                remove_perm(SIGN_PERM, previous, signing.declaration)
        assign_perm(SIGN_PERM, user, signing.declaration)
        audit_append(
            declaration=signing.declaration,
            kind=Kind.DESIGNATED,
            by=by,
            party_key=party.key,
            version=signing.version,
            data={
                "signatory": user.get_username(),
                "printed_name": printed_name,
                "printed_title": printed_title,
                "capacity": capacity,
            },
        )
        notify(
            [user],
            subject=lambda: _("You are asked to sign: %(title)s") % {"title": signing.declaration.display_title()},
            template="signing/email/signatory_designated.txt",
            context={
                "declaration": signing.declaration,
                "party": party,
                "deadline": signing.deadline,
                "adherence": not signing.is_open,
                "url": reverse("signing:adhere", args=[signing.declaration.slug, party.key])
                if not signing.is_open
                else _signing_url(signing.declaration, party),
            },
        )
    signing_party.refresh_from_db()
    return locked


def _idempotent(key: uuid.UUID | None, party: Party) -> Signature | None:
    if key is None:
        return None
    existing = Signature.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.party_id != party.pk:
        raise SigningError(_("This form was already used."))
    return existing


def signature_sign(
    *,
    signing_party: SigningParty,
    content_hash: str,
    typed_name: str,
    method: str,
    image: ContentFile[bytes],
    idempotency_key: uuid.UUID | None,
    ip_address: str | None,
    user_agent: str,
    by: User,
) -> Signature:
    """Sign the version whose hash the signer saw, as the party's designated signatory (once)."""
    if method not in (Signature.Method.DRAWN, Signature.Method.UPLOADED, Signature.Method.TYPED):
        raise SigningError(_("Draw your signature, type your name or upload an image of your signature."))
    with transaction.atomic():
        signing = _lock(signing_party.signing)
        party = signing_party.party
        # A double-clicked or replayed form lands here after the first one committed.
        existing = _idempotent(idempotency_key, party)
        if existing is not None:
            return existing
        locked = SigningParty.objects.get(pk=signing_party.pk)
        if locked.signatory_id != by.pk:
            raise SigningError(_("Only the designated signatory can sign for this party."))
        if content_hash != signing.version.content_hash:
            raise StaleTextError
        if normalise_name(typed_name) != normalise_name(locked.printed_name):
            raise SigningError(
                _("Type your name exactly as it will be printed: %(name)s.") % {"name": locked.printed_name}
            )
        if _live(signing, party) is not None:
            raise SigningError(_("Your party has already answered; revoke that answer first."))
        _check_turn(signing, locked)
        return record_online_answer(
            signing,
            locked,
            status=Signature.Status.SIGNED,
            kind=Kind.SIGNED,
            method=method,
            image=image,
            idempotency_key=idempotency_key,
            ip_address=ip_address,
            user_agent=user_agent,
            by=by,
        )


def record_online_answer(
    signing: Signing,
    signing_party: SigningParty,
    *,
    status: str,
    kind: str,
    method: str,
    image: ContentFile[bytes],
    idempotency_key: uuid.UUID | None,
    ip_address: str | None,
    user_agent: str,
    by: User,
) -> Signature:
    """Save a signature given online (signed, or adhered after close) with its image, and its audit entry.

    Called inside the caller's transaction, once its checks have passed; the image is stored after commit.
    """
    data = image.read()
    image.seek(0)
    signature = Signature(
        signing=signing,
        party=signing_party.party,
        version=signing.version,
        content_hash=signing.version.content_hash,
        status=status,
        method=method,
        signer=by,
        printed_name=signing_party.printed_name,
        printed_title=signing_party.printed_title,
        capacity=signing_party.capacity,
        signed_at=timezone.now(),
        ip_address=ip_address or None,
        user_agent=user_agent[:500],
        idempotency_key=idempotency_key,
    )
    _store_after_commit(signature, "image", image, "signature.png")
    signature.save()
    audit_append(
        declaration=signing.declaration,
        kind=kind,
        by=by,
        party_key=signing_party.party.key,
        version=signing.version,
        data={
            **answer_data(signature),
            "method": method,
            "image_sha256": hashlib.sha256(data).hexdigest(),
            "ip_address": signature.ip_address,
            "user_agent": signature.user_agent,
        },
    )
    return signature


def signature_decline(
    *,
    signing_party: SigningParty,
    content_hash: str,
    reason: str,
    reason_public: bool,
    idempotency_key: uuid.UUID | None,
    ip_address: str | None,
    user_agent: str,
    by: User,
) -> Signature:
    """Record that a party will not sign this version, with a reason shown as the party chose."""
    reason = _clean_reason(reason)
    if not reason:
        raise SigningError(_("Give a reason for declining."))
    with transaction.atomic():
        signing = _lock(signing_party.signing)
        party = signing_party.party
        existing = _idempotent(idempotency_key, party)
        if existing is not None:
            return existing
        if content_hash != signing.version.content_hash:
            raise StaleTextError
        if _live(signing, party) is not None:
            raise SigningError(_("Your party has already answered; revoke that answer first."))
        locked = SigningParty.objects.get(pk=signing_party.pk)
        _check_turn(signing, locked)
        signature = Signature.objects.create(
            signing=signing,
            party=party,
            version=signing.version,
            content_hash=signing.version.content_hash,
            status=Signature.Status.DECLINED,
            method=Signature.Method.DECLINED,
            signer=by,
            printed_name=locked.printed_name,
            printed_title=locked.printed_title,
            capacity=locked.capacity,
            decline_reason=reason,
            reason_public=reason_public,
            signed_at=timezone.now(),
            ip_address=ip_address or None,
            user_agent=user_agent[:500],
            idempotency_key=idempotency_key,
        )
        audit_append(
            declaration=signing.declaration,
            kind=Kind.DECLINED,
            by=by,
            party_key=party.key,
            version=signing.version,
            data={**answer_data(signature), "reason": reason, "reason_public": reason_public},
        )
    return signature


def signature_revoke(*, signing_party: SigningParty, reason: str = "", by: User) -> Signature:
    """Withdraw one's own signature or decline while signing is open; the row stays, marked revoked."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        signing = _lock(signing_party.signing)
        live = (
            Signature.objects.select_for_update()
            .filter(signing=signing, party=signing_party.party, status__in=Signature.LIVE)
            .first()
        )
        if live is None:
            raise SigningError(_("There is nothing to revoke."))
        if live.signer_id != by.pk:
            raise SigningError(_("Only the person who gave this answer can revoke it."))
        live.status = Signature.Status.REVOKED
        live.revoked_at = timezone.now()
        live.revoke_reason = reason
        live.save(update_fields=["status", "revoked_at", "revoke_reason"])
        audit_append(
            declaration=signing.declaration,
            kind=Kind.REVOKED,
            by=by,
            party_key=signing_party.party.key,
            version=live.version,
            data={"signature": live.pk, "reason": reason},
        )
    return live


def _check_not_before_publication(signed_at: datetime, version: DeclarationVersion) -> None:
    """Nobody signs a text before it exists. The form has minute precision, so the minute counts."""
    published = version.published_at
    if signed_at < published.replace(second=0, microsecond=0):
        raise SigningError(
            _(
                "A signature cannot be dated before the text it signs was published: version %(n)s was "
                "published on %(date)s UTC."
            )
            % {"n": version.number, "date": f"{published.astimezone(UTC):%Y-%m-%d %H:%M}"}
        )


def signature_record_offline(
    *,
    signing_party: SigningParty,
    method: str,
    printed_name: str,
    printed_title: str,
    capacity: str = "",
    signed_at: datetime,
    scan: Scan | None,
    by: User,
) -> Signature:
    """Record, as the secretariat, a signature given on paper (with its scan) or in person."""
    if method not in Signature.OFFLINE:
        raise SigningError(_("Choose on paper or in person."))
    if method == Signature.Method.PAPER and scan is None:
        raise SigningError(_("Attach the scan of the signed page."))
    printed_name, printed_title, capacity = _clean_printed(printed_name, printed_title, capacity)
    if signed_at > timezone.now() + timedelta(minutes=5):
        raise SigningError(_("A signature cannot be dated in the future."))
    with transaction.atomic():
        signing = _lock(signing_party.signing)
        party = signing_party.party
        if _live(signing, party) is not None:
            raise SigningError(_("%(party)s has already answered.") % {"party": party.short_name})
        _check_not_before_publication(signed_at, signing.version)
        signature = Signature(
            signing=signing,
            party=party,
            version=signing.version,
            content_hash=signing.version.content_hash,
            status=Signature.Status.SIGNED,
            method=method,
            recorded_by=by,
            printed_name=printed_name,
            printed_title=printed_title,
            capacity=capacity,
            signed_at=signed_at,
            scan_sha256=scan.sha256 if scan else "",
        )
        if scan is not None:
            _store_after_commit(signature, "scan", scan.file, scan.file.name or "scan")
        signature.save()
        audit_append(
            declaration=signing.declaration,
            kind=Kind.RECORDED_OFFLINE,
            by=by,
            party_key=party.key,
            version=signing.version,
            data={
                "signature": signature.pk,
                "method": method,
                "printed_name": printed_name,
                "printed_title": printed_title,
                "capacity": capacity,
                "signed_at": signed_at.isoformat(),
                "scan_sha256": signature.scan_sha256,
            },
        )
    return signature
