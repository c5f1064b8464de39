"""The secretariat records that a party declined to sign or did not take part (issue 21, part 2)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.auth_types import User
from signatories.notifications import notify

from .audit import audit_append
from .models import Signature, SigningEvent, SigningParty
from .services import SigningError, _clean_reason, _focal_points, _live, _lock, _signing_url, answer_data

OUTCOMES = (Signature.Status.DECLINED, Signature.Status.ABSENT)


def _subject(title: str, outcome: str) -> str:
    if outcome == Signature.Status.ABSENT:
        return _("Recorded: your party did not take part in signing — %(title)s") % {"title": title}
    return _("Recorded: your party declined to sign — %(title)s") % {"title": title}


def signature_record_refusal(
    *, signing_party: SigningParty, outcome: str, reason: str, reason_public: bool, by: User
) -> Signature:
    """Record, as the secretariat, that a party declined to sign or did not take part; its focal points are told.

    `reason` is the party's public reason when `reason_public`, else an internal note the secretariat and
    the party read. A party that has answered (signed, declined or recorded) keeps its answer: nothing changes.
    """
    if outcome not in OUTCOMES:
        raise SigningError(_("Choose “declined to sign” or “did not take part”."))
    reason = _clean_reason(reason)
    if reason_public and not reason:
        raise SigningError(_("Write the party's reason to make it public."))
    with transaction.atomic():
        signing = _lock(signing_party.signing)
        party = signing_party.party
        live = _live(signing, party)
        if live is not None and live.status == Signature.Status.SIGNED:
            raise SigningError(
                _("%(party)s has signed: a refusal cannot be recorded over a signature.") % {"party": party.short_name}
            )
        if live is not None:
            raise SigningError(_("%(party)s has already answered.") % {"party": party.short_name})
        locked = SigningParty.objects.get(pk=signing_party.pk)
        declined = outcome == Signature.Status.DECLINED
        signature = Signature.objects.create(
            signing=signing,
            party=party,
            version=signing.version,
            content_hash=signing.version.content_hash,
            status=outcome,
            method=Signature.Method.DECLINED if declined else Signature.Method.ABSENT,
            recorded_by=by,
            printed_name=locked.printed_name,
            printed_title=locked.printed_title,
            capacity=locked.capacity,
            decline_reason=reason,
            reason_public=reason_public,
            signed_at=timezone.now(),
        )
        audit_append(
            declaration=signing.declaration,
            kind=SigningEvent.Kind.REFUSAL_RECORDED,
            by=by,
            party_key=party.key,
            version=signing.version,
            data={**answer_data(signature), "outcome": outcome, "reason": reason, "reason_public": reason_public},
        )
        declaration = signing.declaration
        notify(
            _focal_points([party]),
            subject=lambda: _subject(declaration.display_title(), outcome),
            template="signing/email/refusal_recorded.txt",
            context={
                "declaration": signing.declaration,
                "party": party,
                "declined": declined,
                "reason": reason,
                "reason_public": reason_public,
                "url": _signing_url(signing.declaration),
            },
        )
    return signature
