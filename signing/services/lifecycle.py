"""Signing as a whole: opening it on a version, moving it to a newer one, closing it, reminding parties."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.auth_types import User
from consultations.models import CommentRound
from declarations.models import Declaration, DeclarationVersion
from declarations.services import declaration_set_status
from signatories.models import Party
from signatories.notifications import notify

from ..audit import audit_append
from ..models import Signature, Signing, SigningParty
from .common import (
    REMINDER_INTERVAL,
    Kind,
    SigningError,
    _focal_points,
    _lock,
    _reminder_subject,
    _signing_url,
    default_undertaking,
)


def signing_open(
    *,
    declaration: Declaration,
    version: DeclarationVersion,
    parties: Sequence[Party],
    deadline: datetime,
    ordered: bool = False,
    undertaking: dict[str, str] | None = None,
    stale_reason: str = "",
    by: User,
) -> Signing:
    """Mark a published version final and ask the given parties, in the given order, to sign it.

    `stale_reason`: why signing goes ahead although translations of the version were flagged out of
    date (stale.py); without it such a version is refused.
    """
    from ..stale import stale_guard  # stale.py builds on this module's errors

    if version.declaration_id != declaration.pk:
        raise SigningError(_("This version belongs to another declaration."))
    if not parties:
        raise SigningError(_("Choose at least one party to sign."))
    if deadline <= timezone.now():
        raise SigningError(_("The deadline must be in the future."))
    stale = stale_guard(version, reason=stale_reason)
    undertaking = {k: v.strip() for k, v in (undertaking or default_undertaking(version)).items() if v and v.strip()}
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if Signing.objects.filter(declaration=locked).exists():
            raise SigningError(_("Signing has already been opened for this declaration."))
        _make_final(version)
        if locked.status in (Declaration.Status.DRAFTING, Declaration.Status.CONSULTATION):
            declaration_set_status(declaration=locked, status=Declaration.Status.FINAL, by=by, reason="Final text")
        declaration_set_status(declaration=locked, status=Declaration.Status.SIGNING, by=by, reason="Signing opened")
        declaration.status = locked.status
        signing = Signing.objects.create(
            declaration=locked,
            version=version,
            undertaking=undertaking,
            deadline=deadline,
            ordered=ordered,
            opened_at=timezone.now(),
            opened_by=by,
        )
        SigningParty.objects.bulk_create(
            SigningParty(signing=signing, party=party, position=i + 1) for i, party in enumerate(parties)
        )
        audit_append(
            declaration=locked,
            kind=Kind.OPENED,
            by=by,
            version=version,
            data={
                "parties": [p.key for p in parties],
                "ordered": ordered,
                "deadline": deadline.isoformat(),
                "undertaking": undertaking,
                **stale.audit_data(),
            },
        )
        stale.record(signing=signing, version=version, by=by)
        notify(
            _focal_points(parties),
            subject=lambda: _("Signing is open: %(title)s") % {"title": locked.display_title()},
            template="signing/email/signing_opened.txt",
            context={"declaration": locked, "version": version, "deadline": deadline, "url": _signing_url(locked)},
        )
    return signing


def _make_final(version: DeclarationVersion) -> None:
    # Exactly one final text per declaration: the one being signed. Older finals are in the audit trail.
    for other in DeclarationVersion.objects.filter(declaration_id=version.declaration_id, is_final=True):
        if other.pk != version.pk:
            other.is_final = False
            other.save(update_fields=["is_final"])
    if not version.is_final:
        version.is_final = True
        version.save(update_fields=["is_final"])


def signing_reopen(
    *,
    signing: Signing,
    version: DeclarationVersion,
    deadline: datetime | None = None,
    stale_reason: str = "",
    by: User,
) -> list[Signature]:
    """Move signing to a newer version; every answer given on other text is superseded and re-asked.

    `stale_reason` as for `signing_open`.
    """
    from ..stale import stale_guard  # stale.py builds on this module's errors

    with transaction.atomic():
        locked = _lock(signing)
        if version.declaration_id != locked.declaration_id or version.number <= locked.version.number:
            raise SigningError(_("Reopen signing on a version newer than the one being signed."))
        if deadline is not None and deadline <= timezone.now():
            raise SigningError(_("The deadline must be in the future."))
        stale = stale_guard(version, reason=stale_reason)
        previous = locked.version
        _make_final(version)
        locked.version = version
        if deadline is not None:
            locked.deadline = deadline
        locked.save(update_fields=["version", "deadline"])
        now = timezone.now()
        # Answers on identical text (same hash) stand: the signer saw exactly these words.
        affected = list(
            Signature.objects.select_for_update(of=("self",))
            .filter(signing=locked, status__in=Signature.LIVE)
            .exclude(content_hash=version.content_hash)
            .select_related("party", "version")
        )
        audit_append(
            declaration=locked.declaration,
            kind=Kind.REOPENED,
            by=by,
            version=version,
            data={"from_version": previous.number, "from_content_hash": previous.content_hash, **stale.audit_data()},
        )
        stale.record(signing=locked, version=version, by=by)
        for signature in affected:
            signature.status = Signature.Status.SUPERSEDED
            signature.superseded_at = now
            signature.superseded_by = version
            signature.save(update_fields=["status", "superseded_at", "superseded_by"])
            audit_append(
                declaration=locked.declaration,
                kind=Kind.SUPERSEDED,
                by=by,
                party_key=signature.party.key,
                version=signature.version,
                data={"signature": signature.pk, "superseded_by_version": version.number},
            )
        designations = {
            sp.party_id: sp for sp in SigningParty.objects.filter(signing=locked).select_related("signatory", "party")
        }
        for signature in affected:
            sp = designations.get(signature.party_id)
            users = [sp.signatory] if sp and sp.signatory else _focal_points([signature.party])
            notify(
                users,
                subject=lambda: (
                    _("The text changed: please sign again — %(title)s") % {"title": locked.declaration.display_title()}
                ),
                template="signing/email/signature_superseded.txt",
                context={
                    "declaration": locked.declaration,
                    "party": signature.party,
                    "old_version": signature.version,
                    "version": version,
                    "url": _signing_url(locked.declaration, signature.party),
                },
            )
    return affected


def _close_open_rounds(signing: Signing, *, by: User, now: datetime) -> list[int]:
    """Close every comment round still open on the declaration; drafts stay, read-only. Returns their numbers."""
    closed = []
    rounds = CommentRound.objects.select_for_update().filter(
        declaration=signing.declaration, closed_at__isnull=True, deadline__gt=now
    )
    for round_ in rounds.order_by("number"):
        round_.closed_at, round_.closed_by = now, by
        round_.close_reason = "Signing closed"
        round_._change_reason = "Closed because signing closed"  # type: ignore[attr-defined]
        round_.save(update_fields=["closed_at", "closed_by", "close_reason"])
        closed.append(round_.number)
    return closed


def signing_close(*, signing: Signing, by: User) -> Signing:
    """End signing; the declaration becomes signed by the parties that signed the current text."""
    with transaction.atomic():
        locked = _lock(signing)
        signed = Signature.objects.filter(
            signing=locked, status=Signature.Status.SIGNED, content_hash=locked.version.content_hash
        )
        if not signed.exists():
            raise SigningError(_("Nobody has signed the current text yet."))
        locked.status = Signing.Status.CLOSED
        locked.closed_at, locked.closed_by = timezone.now(), by
        locked.save(update_fields=["status", "closed_at", "closed_by"])
        rounds_closed = _close_open_rounds(locked, by=by, now=locked.closed_at)
        declaration_set_status(
            declaration=locked.declaration, status=Declaration.Status.SIGNED, by=by, reason="Signing closed"
        )
        audit_append(
            declaration=locked.declaration,
            kind=Kind.CLOSED,
            by=by,
            version=locked.version,
            data={"signed": sorted(signed.values_list("party__key", flat=True)), "rounds_closed": rounds_closed},
        )
    signing.refresh_from_db()
    return locked


def signing_send_reminders(*, now: datetime | None = None, signing: Signing | None = None) -> int:
    """E-mail every pending party of every open signing (at most once per interval); return how many."""
    now = now or timezone.now()
    signings = Signing.objects.filter(status=Signing.Status.OPEN, deadline__gt=now).select_related("declaration")
    if signing is not None:
        signings = signings.filter(pk=signing.pk)
    sent = 0
    for current in signings:
        with transaction.atomic():
            answered = Signature.objects.filter(signing=current, status__in=Signature.LIVE).values("party")
            due = (
                SigningParty.objects.select_for_update(of=("self",))
                .filter(signing=current)
                .exclude(party__in=answered)
                .exclude(last_reminded_at__gt=now - REMINDER_INTERVAL)
                .select_related("party", "signatory")
            )
            for sp in due:
                users = [sp.signatory] if sp.signatory else _focal_points([sp.party])
                notify(
                    users,
                    subject=functools.partial(_reminder_subject, current.deadline),
                    template="signing/email/signing_reminder.txt",
                    context={
                        "declaration": current.declaration,
                        "party": sp.party,
                        "deadline": current.deadline,
                        "designated": sp.signatory is not None,
                        "url": _signing_url(current.declaration, sp.party if sp.signatory else None),
                    },
                )
                sp.last_reminded_at = now
                sp.save(update_fields=["last_reminded_at"])
                sent += 1
    return sent
