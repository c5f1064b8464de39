"""Adherence after close (issue 21, part 1): a party joins the signed text without reopening anything.

Signing stays closed. The secretariat invites a party (one that did not sign, or one newly added to the
declaration); the party's designated signatory adheres online, or the secretariat records an adherence
given on paper or in person with its date. An adherence is a `Signature` with status `adhered` on the
same content hash: it stands beside whatever the party answered at the signing (a decline stays a
decline) and is never counted among the original signatories. Each adherence appends to the same audit
chain; `edition_declare` closes a batch of them into the next edition of the submission PDF (documents).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.auth_types import User
from declarations.models import DeclarationParty, DeclarationVersion
from declarations.services import declaration_add_party
from signatories.models import Party
from signatories.notifications import notify

from .audit import audit_append
from .editions import editions, unissued_adherences
from .images import Scan
from .models import Signature, Signing, SigningEvent, SigningParty
from .services import (
    SigningError,
    _clean_printed,
    _focal_points,
    _idempotent,
    _live,
    _signing_url,
    _store_after_commit,
    normalise_name,
    record_online_answer,
)

Kind = SigningEvent.Kind
ADHERED = Signature.Status.ADHERED
# A date is "in the future" only while it has not begun anywhere on Earth (UTC+14 begins first).
EARLIEST_ZONE = timedelta(hours=14)


def _lock_closed(signing: Signing) -> Signing:
    locked = Signing.objects.select_for_update(of=("self",)).select_related("declaration", "version").get(pk=signing.pk)
    if locked.status != Signing.Status.CLOSED:
        raise SigningError(_("Parties adhere once signing is closed; while it is open, they sign."))
    return locked


def _utc_day(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d}"


def adherence_of(signing: Signing, party: Party) -> Signature | None:
    return Signature.objects.filter(signing=signing, party=party, status=ADHERED).first()


def _check_may_adhere(signing: Signing, signing_party: SigningParty) -> None:
    party = signing_party.party
    if signing_party.adherence_invited_at is None:
        raise SigningError(
            _("%(party)s has not been invited to adhere; the secretariat invites it first.")
            % {"party": party.short_name}
        )
    adhered = adherence_of(signing, party)
    if adhered is not None:
        raise SigningError(
            _("%(party)s has already adhered, on %(date)s (UTC).")
            % {"party": party.short_name, "date": _utc_day(adhered.signed_at)}
        )


def _check_final_text(signing: Signing, content_hash: str) -> None:
    """An adherence applies to exactly the text that was signed; a superseded version is named as such."""
    final = signing.version
    if content_hash == final.content_hash:
        return
    older = (
        DeclarationVersion.objects.filter(declaration_id=signing.declaration_id, content_hash=content_hash)
        .defer("snapshot")
        .order_by("-number")
        .first()
    )
    if older is not None:
        raise SigningError(
            _(
                "Version %(old)s was superseded by version %(n)s: a party adheres to the text that was signed, "
                "version %(n)s (%(hash)s). Nothing was recorded."
            )
            % {"old": older.number, "n": final.number, "hash": final.content_hash[:12]}
        )
    raise SigningError(_("This is not the text that was signed. Nothing was recorded."))


def adherence_invite(*, signing: Signing, party: Party, by: User) -> SigningParty:
    """Invite a party to adhere to the signed text; a party not asked at the signing is added to it (and to
    the declaration as a participant). Its focal points are told."""
    with transaction.atomic():
        locked = _lock_closed(signing)
        declaration = locked.declaration
        signing_party = SigningParty.objects.select_for_update(of=("self",)).filter(signing=locked, party=party).first()
        adhered = adherence_of(locked, party)
        if adhered is not None:
            raise SigningError(
                _("%(party)s has already adhered, on %(date)s (UTC).")
                % {"party": party.short_name, "date": _utc_day(adhered.signed_at)}
            )
        live = _live(locked, party)
        if live is not None and live.status == Signature.Status.SIGNED:
            raise SigningError(
                _("%(party)s signed the text at the signing: it is a signatory, it does not adhere.")
                % {"party": party.short_name}
            )
        if signing_party is not None and signing_party.adherence_invited_at is not None:
            raise SigningError(
                _("%(party)s was already invited to adhere, on %(date)s (UTC).")
                % {"party": party.short_name, "date": _utc_day(signing_party.adherence_invited_at)}
            )
        added = signing_party is None
        if signing_party is None:
            last = SigningParty.objects.filter(signing=locked).aggregate(last=Max("position"))["last"] or 0
            signing_party = SigningParty(signing=locked, party=party, position=last + 1, added_for_adherence=True)
            participant = DeclarationParty.objects.filter(
                declaration=declaration, party=party, role=DeclarationParty.Role.PARTICIPANT
            ).exists()
            if not participant:
                declaration_add_party(declaration=declaration, party=party, by=by)
        signing_party.adherence_invited_at, signing_party.adherence_invited_by = timezone.now(), by
        signing_party.save()
        audit_append(
            declaration=declaration,
            kind=Kind.ADHERENCE_INVITED,
            by=by,
            party_key=party.key,
            version=locked.version,
            data={"added": added, "answer_at_signing": live.status if live else None},
        )
        notify(
            _focal_points([party]),
            subject=lambda: _("Invitation to adhere: %(title)s") % {"title": declaration.display_title()},
            template="signing/email/adherence_invited.txt",
            context={
                "declaration": declaration,
                "party": party,
                "version": locked.version,
                "closed_at": locked.closed_at,
                "url": _signing_url(declaration),
            },
        )
    return signing_party


def _notify_adhered(signing: Signing, signing_party: SigningParty, signature: Signature) -> None:
    declaration = signing.declaration
    users = _focal_points([signing_party.party])
    if signing_party.signatory is not None and signing_party.signatory not in users:
        users.append(signing_party.signatory)
    notify(
        users,
        subject=lambda: _("Adherence recorded: %(title)s") % {"title": declaration.display_title()},
        template="signing/email/adhered.txt",
        context={
            "declaration": declaration,
            "party": signing_party.party,
            "signature": signature,
            "adhered_on": _utc_day(signature.signed_at),
            "url": _signing_url(declaration),
        },
    )


def adherence_sign(
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
    """Adhere online, as the invited party's designated signatory, to the text whose hash they saw."""
    if method not in (Signature.Method.DRAWN, Signature.Method.UPLOADED, Signature.Method.TYPED):
        raise SigningError(_("Draw your signature, type your name or upload an image of your signature."))
    with transaction.atomic():
        signing = _lock_closed(signing_party.signing)
        party = signing_party.party
        # A double-clicked or replayed form lands here after the first one committed.
        existing = _idempotent(idempotency_key, party)
        if existing is not None:
            return existing
        locked = SigningParty.objects.select_for_update(of=("self",)).select_related("party", "signatory")
        locked_party = locked.get(pk=signing_party.pk)
        _check_may_adhere(signing, locked_party)
        if locked_party.signatory_id != by.pk:
            raise SigningError(_("Only the designated signatory can adhere for this party."))
        _check_final_text(signing, content_hash)
        if normalise_name(typed_name) != normalise_name(locked_party.printed_name):
            raise SigningError(
                _("Type your name exactly as it will be printed: %(name)s.") % {"name": locked_party.printed_name}
            )
        signature = record_online_answer(
            signing,
            locked_party,
            status=ADHERED,
            kind=Kind.ADHERED,
            method=method,
            image=image,
            idempotency_key=idempotency_key,
            ip_address=ip_address,
            user_agent=user_agent,
            by=by,
        )
        _notify_adhered(signing, locked_party, signature)
    return signature


def latest_allowed_day(now: datetime | None = None) -> date:
    """The latest date an adherence may carry: today where the day begins first (UTC+14)."""
    return ((now or timezone.now()).astimezone(UTC) + EARLIEST_ZONE).date()


def adherence_record_offline(
    *,
    signing_party: SigningParty,
    content_hash: str,
    method: str,
    printed_name: str,
    printed_title: str,
    capacity: str = "",
    adhered_on: date,
    scan: Scan | None,
    by: User,
) -> Signature:
    """Record, as the secretariat, an adherence given on paper (with its scan) or in person, on its date.

    The date can be neither before the day signing closed (UTC) nor in the future; it is stored as
    midnight UTC of that day and printed as the day.
    """
    if method not in Signature.OFFLINE:
        raise SigningError(_("Choose on paper or in person."))
    if method == Signature.Method.PAPER and scan is None:
        raise SigningError(_("Attach the scan of the signed instrument of adherence."))
    printed_name, printed_title, capacity = _clean_printed(printed_name, printed_title, capacity)
    if not isinstance(adhered_on, date) or isinstance(adhered_on, datetime):
        raise SigningError(_("Give the date of the adherence as a calendar date (YYYY-MM-DD)."))
    if adhered_on > latest_allowed_day():
        raise SigningError(_("An adherence cannot be dated in the future."))
    with transaction.atomic():
        signing = _lock_closed(signing_party.signing)
        party = signing_party.party
        locked = SigningParty.objects.select_for_update(of=("self",)).select_related("party", "signatory")
        locked_party = locked.get(pk=signing_party.pk)
        _check_may_adhere(signing, locked_party)
        _check_final_text(signing, content_hash)
        assert signing.closed_at is not None  # a closed signing has its close time
        closed_on = signing.closed_at.astimezone(UTC).date()
        if adhered_on < closed_on:
            raise SigningError(
                _("An adherence cannot be dated before signing closed, on %(date)s (UTC).") % {"date": f"{closed_on}"}
            )
        signature = Signature(
            signing=signing,
            party=party,
            version=signing.version,
            content_hash=signing.version.content_hash,
            status=ADHERED,
            method=method,
            recorded_by=by,
            printed_name=printed_name,
            printed_title=printed_title,
            capacity=capacity,
            signed_at=datetime.combine(adhered_on, time(0), tzinfo=UTC),
            scan_sha256=scan.sha256 if scan else "",
        )
        if scan is not None:
            _store_after_commit(signature, "scan", scan.file, scan.file.name or "scan")
        signature.save()
        audit_append(
            declaration=signing.declaration,
            kind=Kind.ADHERENCE_RECORDED,
            by=by,
            party_key=party.key,
            version=signing.version,
            data={
                "signature": signature.pk,
                "method": method,
                "printed_name": printed_name,
                "printed_title": printed_title,
                "capacity": capacity,
                "signed_at": signature.signed_at.isoformat(),
                "adhered_on": adhered_on.isoformat(),
                "scan_sha256": signature.scan_sha256,
            },
        )
        _notify_adhered(signing, locked_party, signature)
    return signature


def edition_declare(*, signing: Signing, by: User) -> int:
    """Close the adherences not yet in an edition into the next edition of the record; return its number.

    The audit entry it appends is the edition's last: the edition's PDF prints the chain up to it.
    """
    with transaction.atomic():
        locked = _lock_closed(signing)
        declaration = locked.declaration
        batch = unissued_adherences(declaration)
        current = editions(declaration)
        if not batch:
            raise SigningError(
                _("No party has adhered since edition %(n)s: there is nothing new to issue.") % {"n": len(current)}
            )
        number = len(current) + 1
        rows = Signature.objects.filter(pk__in=batch).select_related("party").order_by("signed_at", "id")
        audit_append(
            declaration=declaration,
            kind=Kind.EDITION,
            by=by,
            version=locked.version,
            data={"edition": number, "adherences": batch, "parties": [row.party.key for row in rows]},
        )
    return number
