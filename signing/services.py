"""Every write to signing: open, designate, sign, decline, revoke, record offline, reopen, close, remind."""

from __future__ import annotations

import functools
import hashlib
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from config.auth_types import User
from config.text import single_line_problem
from consultations.models import CommentRound
from declarations.models import Declaration, DeclarationVersion
from declarations.services import declaration_set_status
from declarations.snapshot import Snapshot
from signatories.models import Membership, Party
from signatories.notifications import notify

from .audit import audit_append
from .images import Scan
from .models import Signature, Signing, SigningEvent, SigningParty

SIGN_PERM = "declarations.sign_declaration"
REMINDER_INTERVAL = timedelta(hours=20)  # a daily cron never skips a day, never sends twice a day
MAX_REASON_LENGTH = 5000
Kind = SigningEvent.Kind


class SigningError(Exception):
    """A signing request the current state does not allow; the message is for the user."""


class StaleTextError(SigningError):
    """The signer read a version that is no longer the one being signed."""

    def __init__(self) -> None:
        super().__init__(_("The text changed while you were reading; please review the new text."))


def normalise_name(value: str) -> str:
    """Names compare case-insensitively, with runs of whitespace as one space (NFKC)."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def default_undertaking(version: DeclarationVersion) -> dict[str, str]:
    """The text of the clause keyed "undertaking" in the version, per language, if there is one."""
    clause = Snapshot.from_version(version).clause("undertaking")
    return {lang: text.strip() for lang, text in clause.text.items() if text.strip()} if clause else {}


def _lock(signing: Signing, *, adhering: SigningParty | None = None) -> Signing:
    locked = Signing.objects.select_for_update(of=("self",)).select_related("declaration", "version").get(pk=signing.pk)
    # After close, only a party invited to adhere (and not adhered yet) may still name its signatory.
    if locked.status != Signing.Status.OPEN and not (adhering is not None and may_adhere(adhering)):
        raise SigningError(_("Signing is closed."))
    return locked


def may_adhere(signing_party: SigningParty) -> bool:
    """The party was invited to adhere after close and has not adhered yet (adherence.py)."""
    adhered = Signature.objects.filter(
        signing_id=signing_party.signing_id, party_id=signing_party.party_id, status=Signature.Status.ADHERED
    )
    invited = SigningParty.objects.filter(pk=signing_party.pk, adherence_invited_at__isnull=False)
    return invited.exists() and not adhered.exists()


def _live(signing: Signing, party: Party) -> Signature | None:
    return Signature.objects.filter(signing=signing, party=party, status__in=Signature.LIVE).first()


def _check_turn(signing: Signing, signing_party: SigningParty) -> None:
    if not signing.ordered:
        return
    earlier = SigningParty.objects.filter(signing=signing, position__lt=signing_party.position)
    waiting = earlier.exclude(
        party__in=Signature.objects.filter(signing=signing, status__in=Signature.LIVE).values("party")
    )
    if waiting.exists():
        names = ", ".join(sp.party.short_name for sp in waiting.select_related("party"))
        raise SigningError(_("Parties sign in order: waiting for %(names)s.") % {"names": names})


def answer_data(signature: Signature) -> dict[str, Any]:
    """What the audit event of an answer records about it; `verify_audit` compares these with the row."""
    return {
        "signature": signature.pk,
        "printed_name": signature.printed_name,
        "printed_title": signature.printed_title,
        "capacity": signature.capacity,
        "signed_at": signature.signed_at,
    }


def _store_after_commit(signature: Signature, field: str, content: File[bytes], filename: str) -> None:
    """Name the file on the (unsaved) row now; write it to storage only once the row is committed.

    A signing that rolls back (a lost race, a failed audit append) must leave no signature image
    or scan behind: it is personal data without a record. The name comes from the field's
    `upload_to` (random), so it is known before the file exists.
    """
    file = getattr(signature, field)
    name = file.field.generate_filename(signature, filename)
    file.name = name
    storage, max_length = file.storage, file.field.max_length

    def write() -> None:
        saved = storage.save(name, content, max_length=max_length)
        if saved != name:  # the storage picked another name: the row follows it
            Signature.objects.filter(pk=signature.pk).update(**{field: saved})

    transaction.on_commit(write)


def _reminder_subject(deadline: datetime) -> str:
    # Rendered per reader: the deadline in their time zone, named ("KST", "CET").
    return _("Reminder: signing closes %(when)s") % {
        "when": formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")
    }


def _signing_url(declaration: Declaration, party: Party | None = None) -> str:
    if party is None:
        return reverse("signing:signing", args=[declaration.slug])
    return reverse("signing:sign", args=[declaration.slug, party.key])


def _focal_points(parties: Iterable[Party]) -> list[User]:
    memberships = Membership.objects.filter(party__in=list(parties), role=Membership.Role.FOCAL_POINT)
    return [m.user for m in memberships.select_related("user")]


def _clean_reason(reason: str) -> str:
    # Security review: the forms refuse NUL, other callers reached PostgreSQL with it (a 500).
    if "\x00" in reason:
        raise SigningError(_("The text contains a NUL character."))
    # A lone CR is a line break too (as in every other service), so stored text and pages agree.
    reason = reason.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise SigningError(_("A reason may have at most %(n)s characters.") % {"n": MAX_REASON_LENGTH})
    return reason


PRINTED_LIMITS = {"name": 200, "title": 200, "capacity": 300}


def _clean_printed(printed_name: str, printed_title: str, capacity: str) -> tuple[str, str, str]:
    """Security review: the forms checked NUL and length, the services (and so the database) did not."""
    values = (printed_name.strip(), printed_title.strip(), capacity.strip())
    for value, limit in zip(values, PRINTED_LIMITS.values(), strict=True):
        if "\x00" in value:
            raise SigningError(_("The text contains a NUL character."))
        if problem := single_line_problem(value):
            raise SigningError(problem[1])
        if len(value) > limit:
            raise SigningError(_("The printed name or title is too long (at most %(n)s characters).") % {"n": limit})
    if not values[0] or not values[1]:
        raise SigningError(_("Give the name and the title to print under the signature."))
    return values


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
    from .stale import stale_guard  # stale.py builds on this module's errors

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
        data = image.read()
        image.seek(0)
        signature = Signature(
            signing=signing,
            party=party,
            version=signing.version,
            content_hash=signing.version.content_hash,
            status=Signature.Status.SIGNED,
            method=method,
            signer=by,
            printed_name=locked.printed_name,
            printed_title=locked.printed_title,
            capacity=locked.capacity,
            signed_at=timezone.now(),
            ip_address=ip_address or None,
            user_agent=user_agent[:500],
            idempotency_key=idempotency_key,
        )
        _store_after_commit(signature, "image", image, "signature.png")
        signature.save()
        audit_append(
            declaration=signing.declaration,
            kind=Kind.SIGNED,
            by=by,
            party_key=party.key,
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
    from .stale import stale_guard  # stale.py builds on this module's errors

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
