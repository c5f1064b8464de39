"""Pages about people: secretariats, invitations (send, accept, re-send, revoke), accounts, deactivation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.auth_types import AuthenticatedHttpRequest, User

from . import people
from .bulk_invite import invite_from_csv
from .models import AccountSettings, Invitation, Membership, Secretariat
from .notifications import set_email_notifications, wants_email
from .people_forms import AcceptForm, AccountForm, BulkInviteForm, InviteForm, SecretariatForm
from .time_zones import default_time_zone


def get_secretariat_for(user: object, slug: str) -> Secretariat:
    """The one way into a secretariat's pages: its members and superusers; everyone else gets 404."""
    secretariat = Secretariat.objects.filter(slug=slug).first()
    if secretariat is None or not people.is_secretariat_member(user, secretariat):  # type: ignore[arg-type]
        raise Http404("No such secretariat.")
    return secretariat


@login_required
def secretariat_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_superuser:
        secretariats = list(Secretariat.objects.all())
    else:
        secretariats = people.secretariats_of(request.user)
        if not secretariats:
            raise Http404("No secretariat.")
    form = SecretariatForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_superuser:
            raise Http404("No secretariat.")
        if form.is_valid():
            try:
                secretariat = people.secretariat_create(name=form.cleaned_data["name"], by=request.user)
            except people.PeopleError as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, _("The secretariat is created. Invite its first member."))
                return redirect("signatories:secretariat", secretariat.slug)
    return render(request, "signatories/secretariat_list.html", {"secretariats": secretariats, "form": form})


@login_required
def secretariat_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    secretariat = get_secretariat_for(request.user, slug)
    form = InviteForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = people.invitation_create(
                email=form.cleaned_data["email"],
                secretariat=secretariat,
                language=form.cleaned_data["language"],
                by=request.user,
            )
        except people.PeopleError as exc:
            form.add_error("email", str(exc))
        else:
            _invited_message(request, invitation)
            return redirect("signatories:secretariat", secretariat.slug)
    return render(
        request,
        "signatories/secretariat_detail.html",
        {
            "secretariat": secretariat,
            "members": people.secretariat_members(secretariat),
            "invitations": Invitation.objects.filter(secretariat=secretariat, accepted_at=None, revoked_at=None),
            "form": form,
            "bulk_form": BulkInviteForm(),
            "declarations": secretariat.declarations.order_by("slug"),  # type: ignore[attr-defined]
            "now": timezone.now(),
        },
    )


def _invited_message(request: HttpRequest, invitation: Invitation) -> None:
    if people.account_for_email(invitation.email):
        messages.success(
            request,
            _("%(email)s already has an account: the invitation is sent, and the role is added when they accept it.")
            % {"email": invitation.email},
        )
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})


@require_POST
@login_required
def secretariat_bulk_invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    secretariat = get_secretariat_for(request.user, slug)
    form = BulkInviteForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file."))
        return redirect("signatories:secretariat", secretariat.slug)
    upload = form.cleaned_data["file"]
    if upload.size > 1024 * 1024:
        messages.error(request, _("The file is larger than 1 MB."))
        return redirect("signatories:secretariat", secretariat.slug)
    try:
        sent, errors = invite_from_csv(raw=upload.read(), secretariat=secretariat, by=request.user)
    except people.PartyError as exc:
        sent, errors = 0, [str(exc)]
    if errors:
        messages.error(request, _("Nothing was sent. %(errors)s") % {"errors": "; ".join(errors[:20])})
    else:
        messages.success(request, _("%(n)s invitations sent.") % {"n": sent})
    return redirect("signatories:secretariat", secretariat.slug)


def _invitation_for(request: AuthenticatedHttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.select_related("secretariat", "party"), pk=pk)
    if not people._may_manage(request.user, invitation):
        raise Http404("No such invitation.")
    return invitation


def _back(invitation: Invitation) -> HttpResponse:
    if invitation.secretariat_id:
        return redirect("signatories:secretariat", invitation.secretariat.slug)  # type: ignore[union-attr]
    return redirect("signatories:party", invitation.party.key)  # type: ignore[union-attr]


@require_POST
@login_required
def invitation_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation_for(request, pk)
    try:
        people.invitation_resend(invitation=invitation, by=request.user)
        messages.success(
            request, _("A new link was sent to %(email)s; the old one no longer works.") % {"email": invitation.email}
        )
    except people.PeopleError as exc:
        messages.error(request, str(exc))
    return _back(invitation)


@require_POST
@login_required
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation_for(request, pk)
    try:
        people.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    except people.PeopleError as exc:
        messages.error(request, str(exc))
    return _back(invitation)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail: a new person chooses a password; an existing account logs in first."""
    try:
        invitation = people.invitation_by_token(token)
    except people.PeopleError as exc:
        return render(request, "signatories/invitation_invalid.html", {"error": str(exc)}, status=410)
    existing = people.account_for_email(invitation.email)
    form = AcceptForm(request.POST or None) if existing is None else None
    error = ""
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            user = people.invitation_accept(
                token=token,
                by=request.user,
                password=data.get("password1", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
        except people.PeopleError as exc:
            error = str(exc)
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome. You are now: %(role)s, %(place)s.")
                % {"role": invitation.role_label(), "place": invitation.place()},
            )
            response = redirect("signing:home")
            _set_language_cookie(response, user)
            return response
    return render(
        request,
        "signatories/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing": existing, "error": error, "token": token},
    )


def _set_language_cookie(response: HttpResponse, user: User) -> None:
    from django.conf import settings

    pref = AccountSettings.objects.filter(user=user).first()
    if pref:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, pref.language, samesite="Lax")


@require_POST
@login_required
def person_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=pk)
    # Visible to the secretariat only when the person is a member of it or acts for a party.
    mine = people.secretariats_of(request.user)
    related = (
        request.user.is_superuser or person.groups.filter(Q(secretariat__in=mine) | Q(party__isnull=False)).exists()
    )
    if not people.is_secretariat_member(request.user) or not related:
        raise Http404("No such person.")
    try:
        people.person_deactivate(user=person, by=request.user)
        messages.success(
            request,
            _("%(name)s can no longer log in; what they did stays on the record.")
            % {"name": person.email or person.username},
        )
    except people.PeopleError as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return redirect(back or "signing:home")


@login_required
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    pref = AccountSettings.objects.filter(user=request.user).first()
    form = AccountForm(
        request.POST if request.POST.get("form") == "account" else None,
        initial={
            "language": pref.language if pref else request.LANGUAGE_CODE,
            "time_zone": pref.time_zone if pref else default_time_zone(),
        },
    )
    if request.method == "POST":
        if request.POST.get("form") == "account":
            if form.is_valid():
                people.account_update(user=request.user, by=request.user, **form.cleaned_data)
                messages.success(request, _("Your settings are saved."))
                response = redirect("signatories:account")
                _set_language_cookie(response, request.user)
                return response
        else:
            enabled = request.POST.get("email_enabled") == "on"
            set_email_notifications(user=request.user, enabled=enabled)
            messages.success(
                request, _("E-mail notifications are on.") if enabled else _("E-mail notifications are off.")
            )
            return redirect("signatories:account")
    memberships = Membership.objects.filter(user=request.user).select_related("party")
    return render(
        request,
        "signatories/account.html",
        {
            "email_enabled": wants_email(request.user),
            "memberships": memberships,
            "form": form,
            "secretariats": people.secretariats_of(request.user),
        },
    )
