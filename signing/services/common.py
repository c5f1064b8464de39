"""What every signing service shares: errors, limits, locking, names and the audit payload of an answer."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from config.auth_types import User
from config.text import single_line_problem
from declarations.models import Declaration, DeclarationVersion
from declarations.snapshot import Snapshot
from signatories.models import Membership, Party

from ..models import Signature, Signing, SigningEvent, SigningParty

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
