"""Every write about people: secretariats and their members, invitations, accounts, deactivation."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from config.auth_types import AnyUser, User

from .models import AccountSettings, Invitation, Membership, Party, Secretariat
from .notifications import Reader, reader_of, send_to
from .services import PartyError, membership_add
from .time_zones import forget_time_zone

INVITATION_DAYS = 7


class PeopleError(PartyError):
    """A request about people that cannot be carried out; the message is for the user."""


# --- Who may do what -----------------------------------------------------------------------------


def secretariats_of(user: AnyUser) -> list[Secretariat]:
    if not user.is_authenticated or not user.is_active:
        return []
    return list(Secretariat.objects.filter(group__user=user))


def is_secretariat_member(user: AnyUser, secretariat: Secretariat | None = None) -> bool:
    """A member of `secretariat` (or of any secretariat); an active superuser counts as one."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    members = Secretariat.objects.filter(group__user=user)
    return members.filter(pk=secretariat.pk).exists() if secretariat else members.exists()


def _require(ok: bool) -> None:
    if not ok:
        raise PeopleError(_("You may not do this."))


# --- Secretariats ----------------------------------------------------------------------------------


def secretariat_create(*, name: str, by: User | None) -> Secretariat:
    """Create a secretariat (superusers only; the command line passes by=None)."""
    if by is not None:
        _require(by.is_active and by.is_superuser)
    name = " ".join(name.split())
    if not name:
        raise PeopleError(_("A secretariat needs a name."))
    slug = slugify(name)[:40].strip("-") or "secretariat"
    with transaction.atomic():
        if Secretariat.objects.filter(name__iexact=name).exists():
            raise PeopleError(_("A secretariat named “%(name)s” already exists.") % {"name": name})
        base, n = slug, 2
        while Secretariat.objects.filter(slug=slug).exists():
            slug = f"{base[:36]}-{n}"
            n += 1
        group = Group.objects.create(name=f"secretariat:{slug}")
        secretariat = Secretariat(name=name, slug=slug, group=group, created_by=by)
        secretariat._change_reason = "Created"  # type: ignore[attr-defined]
        secretariat.save()
    return secretariat


def secretariat_add_member(*, secretariat: Secretariat, user: User, by: User | None) -> None:
    """Make a user a member: they get secretariat rights on its declarations through its group."""
    user.groups.add(secretariat.group)


def secretariat_members(secretariat: Secretariat) -> list[User]:
    return list(get_user_model().objects.filter(groups=secretariat.group).order_by("email", "username"))


# --- Accounts ---------------------------------------------------------------------------------------


def valid_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()


def account_update(*, user: User, language: str, time_zone: str, by: User) -> AccountSettings:
    """Set a person's interface language and time zone (their own, or by a superuser)."""
    _require(by.pk == user.pk or by.is_superuser)
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise PeopleError(_("Unknown language."))
    if not valid_time_zone(time_zone):
        raise PeopleError(_("Unknown time zone “%(tz)s”.") % {"tz": time_zone})
    pref, _created = AccountSettings.objects.update_or_create(
        user=user, defaults={"language": language, "time_zone": time_zone}
    )
    forget_time_zone(user.pk)
    return pref


def person_deactivate(*, user: User, by: User) -> None:
    """End a person's access; everything they did stays on the record under their name."""
    _require(is_secretariat_member(by))
    if user.pk == by.pk:
        raise PeopleError(_("You cannot deactivate your own account."))
    if user.is_superuser and not by.is_superuser:
        raise PeopleError(_("Only a superuser can deactivate a superuser."))
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        # Their pending invitations die with the account.
        Invitation.objects.filter(email__iexact=locked.email, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
    user.is_active = False


# --- Invitations ------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalise_email(email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise PeopleError(_("“%(email)s” is not an e-mail address.") % {"email": email[:200]}) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def account_for_email(email: str) -> User | None:
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


def _send(invitation: Invitation, token: str) -> None:
    existing = account_for_email(invitation.email)
    reader = (
        reader_of(existing)
        if existing
        else Reader(email=invitation.email, language=invitation.language, time_zone=settings.TIME_ZONE)
    )
    reader = Reader(email=invitation.email, language=reader.language, time_zone=reader.time_zone, user=existing)
    context = {
        "invitation": invitation,
        "url": reverse("signatories:invitation_accept", args=[token]),
        "has_account": existing is not None,
        "inviter": (invitation.invited_by.get_full_name() or invitation.invited_by.email)
        if invitation.invited_by
        else "Accord",
    }
    send_to(
        [reader],
        subject=lambda: (
            _("Invitation to Accord: %(role)s, %(place)s")
            % {"role": invitation.role_label(), "place": invitation.place()}
        ),
        template="signatories/email/invitation.txt",
        context=context,
    )


def invitation_create(
    *,
    email: str,
    by: User | None,
    secretariat: Secretariat | None = None,
    party: Party | None = None,
    role: str = "",
    language: str = "",
) -> Invitation:
    """Invite an address to a secretariat, or to a party in a role; the e-mail goes out on commit."""
    email = _normalise_email(email)
    if (secretariat is None) == (party is None):
        raise PeopleError(_("Invite to a secretariat or to a party."))
    if secretariat is not None:
        if by is not None:
            _require(is_secretariat_member(by, secretariat))
        target, role = Invitation.Target.SECRETARIAT, ""
    else:
        if by is not None:
            _require(is_secretariat_member(by))
        if role not in Membership.Role.values:
            raise PeopleError(_("Choose a role: reviewer, focal point or signatory."))
        target = Invitation.Target.PARTY
    language = language if language in {c for c, _n in settings.LANGUAGES} else settings.LANGUAGE_CODE
    existing = account_for_email(email)
    if existing is not None and not existing.is_active:
        raise PeopleError(_("The account of %(email)s is deactivated; it cannot be invited.") % {"email": email})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        pending = Invitation.objects.select_for_update().filter(
            email__iexact=email, secretariat=secretariat, party=party, role=role, accepted_at=None, revoked_at=None
        )
        if pending.filter(expires_at__gt=now).exists():
            raise PeopleError(
                _("%(email)s already has a pending invitation for this; re-send it instead.") % {"email": email}
            )
        invitation = Invitation(
            email=email,
            target=target,
            secretariat=secretariat,
            party=party,
            role=role,
            language=language,
            token_hash=_hash(token),
            invited_by=by,
            sent_at=now,
            expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
        )
        invitation._change_reason = "Invited"  # type: ignore[attr-defined]
        invitation.save()
        _send(invitation, token)
    return invitation


def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send a fresh link (the old one stops working) with a new expiry."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _require(_may_manage(by, locked))
        if not locked.is_pending:
            raise PeopleError(_("This invitation was already accepted or revoked."))
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        locked.token_hash = _hash(token)
        locked.sent_at = now
        locked.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
        locked._change_reason = "Re-sent"  # type: ignore[attr-defined]
        locked.save(update_fields=["token_hash", "sent_at", "expires_at"])
        _send(locked, token)
    return locked


def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _require(_may_manage(by, locked))
        if not locked.is_pending:
            raise PeopleError(_("This invitation was already accepted or revoked."))
        locked.revoked_at = timezone.now()
        locked._change_reason = "Revoked"  # type: ignore[attr-defined]
        locked.save(update_fields=["revoked_at"])
    return locked


def _may_manage(by: User, invitation: Invitation) -> bool:
    return is_secretariat_member(by, invitation.secretariat) if invitation.secretariat_id else is_secretariat_member(by)


def invitation_by_token(token: str) -> Invitation:
    """The pending invitation behind a link, or PeopleError saying why the link does not work."""
    invitation = Invitation.objects.select_related("secretariat", "party").filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise PeopleError(_("This invitation link is not valid. It may have been replaced by a newer one."))
    if invitation.accepted_at is not None:
        raise PeopleError(_("This invitation has already been used. Log in with your account."))
    if invitation.revoked_at is not None:
        raise PeopleError(_("This invitation was withdrawn."))
    if invitation.expires_at <= timezone.now():
        raise PeopleError(_("This invitation has expired. Ask the secretariat to send it again."))
    return invitation


def _attach(invitation: Invitation, user: User) -> None:
    if invitation.secretariat is not None:
        secretariat_add_member(secretariat=invitation.secretariat, user=user, by=invitation.invited_by)
    else:
        membership_add(user=user, party=invitation.party, role=invitation.role, by=invitation.invited_by)  # type: ignore[arg-type]


def invitation_accept(
    *, token: str, by: AnyUser, password: str = "", first_name: str = "", last_name: str = ""
) -> User:
    """Accept an invitation: a new person chooses a password; an existing account must be logged in.

    Existing accounts (decision 64): the role is attached to the account only when its owner is
    logged in and the account's e-mail is the invited address, so a link alone never grants a
    role to someone else's account.
    """
    with transaction.atomic():
        invitation = invitation_by_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_by_token(token)  # checked again under the lock: two clicks, one acceptance
        existing = account_for_email(invitation.email)
        if existing is not None:
            if not by.is_authenticated or by.pk != existing.pk:
                raise PeopleError(
                    _("%(email)s already has an account. Log in with it, then open this link again.")
                    % {"email": invitation.email}
                )
            user = existing
        else:
            if by.is_authenticated:
                raise PeopleError(
                    _("This invitation is for %(email)s. Log out first to create that account.")
                    % {"email": invitation.email}
                )
            user = get_user_model()(
                username=invitation.email[:150],
                email=invitation.email,
                first_name=first_name.strip()[:150],
                last_name=last_name.strip()[:150],
            )
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise PeopleError(" ".join(exc.messages)) from None
            user.set_password(password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                raise PeopleError(_("An account with this e-mail already exists. Log in with it.")) from None
            AccountSettings.objects.create(user=user, language=invitation.language, time_zone=settings.TIME_ZONE)
        _attach(invitation, user)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation._change_reason = "Accepted"  # type: ignore[attr-defined]
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
