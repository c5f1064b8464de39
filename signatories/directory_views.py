"""The party directory in the app: list, add, edit, import from CSV/XLSX, a party's people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.auth_types import AuthenticatedHttpRequest

from . import people
from .directory import parties_import, read_party_file
from .models import Invitation, Membership, Party
from .people_forms import PartyFileForm, PartyForm, PartyInviteForm
from .services import PartyError, party_upsert

SESSION_KEY = "accord_party_import"


def _require_secretariat(request: AuthenticatedHttpRequest) -> None:
    """The directory is the secretariats' tool; everyone else gets 404."""
    if not people.is_secretariat_member(request.user):
        raise Http404("No such page.")


def _party_for(request: AuthenticatedHttpRequest, key: str) -> Party:
    _require_secretariat(request)
    party = Party.objects.filter(key=key).first()
    if party is None:
        raise Http404("No such party.")
    return party


@login_required
def party_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_secretariat(request)
    query = request.GET.get("q", "").strip()
    parties = Party.objects.order_by("short_name")
    if query:
        parties = parties.filter(Q(short_name__icontains=query) | Q(key__icontains=query) | Q(country__iexact=query))
    page = Paginator(parties, 100).get_page(request.GET.get("page"))
    return render(request, "signatories/party_list.html", {"page": page, "query": query, "form": PartyFileForm()})


@login_required
def party_edit(request: AuthenticatedHttpRequest, key: str | None = None) -> HttpResponse:
    party = _party_for(request, key) if key else None
    _require_secretariat(request)
    initial = {}
    if party is not None:
        initial = {"key": party.key, "short_name": party.short_name, "kind": party.kind, "country": party.country}
        initial.update({f"name_{code}": text for code, text in party.name.items()})
    form = PartyForm(request.POST or None, initial=initial)
    if party is not None:
        form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.party_data()
        if party is None and Party.objects.filter(key=data["key"]).exists():
            form.add_error("key", _("A party with this key exists already."))
        else:
            try:
                saved = party_upsert(data=data, by=request.user)
            except PartyError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(party)s is saved.") % {"party": saved.display_name()})
                return redirect("signatories:party", saved.key)
    return render(request, "signatories/party_form.html", {"form": form, "party": party})


@login_required
def party_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    party = _party_for(request, key)
    form = PartyInviteForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = people.invitation_create(
                email=form.cleaned_data["email"],
                party=party,
                role=form.cleaned_data["role"],
                language=form.cleaned_data["language"],
                by=request.user,
            )
        except people.PeopleError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("signatories:party", party.key)
    return render(
        request,
        "signatories/party_detail.html",
        {
            "party": party,
            "memberships": Membership.objects.filter(party=party).select_related("user"),
            "invitations": Invitation.objects.filter(party=party, accepted_at=None, revoked_at=None),
            "form": form,
            "now": timezone.now(),
        },
    )


@login_required
def party_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload → preview with per-row errors → confirm. Nothing is saved before the confirmation."""
    _require_secretariat(request)
    if request.method == "POST" and request.POST.get("confirm"):
        rows = request.session.pop(SESSION_KEY, None)
        if not rows:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("signatories:party_import")
        created, updated = parties_import(rows=rows, by=request.user)
        messages.success(
            request, _("%(created)s parties added, %(updated)s updated.") % {"created": created, "updated": updated}
        )
        return redirect("signatories:parties")
    form = PartyFileForm(request.POST or None, request.FILES or None)
    preview = error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = read_party_file(name=upload.name, size=upload.size, read=upload.read)
        except PartyError as exc:
            error = str(exc)
        else:
            if preview.ok:
                request.session[SESSION_KEY] = [row.data for row in preview.rows]
            else:
                request.session.pop(SESSION_KEY, None)
    shown = None
    if preview is not None:
        # Errors first, so a 10,000-row file shows what to fix without scrolling.
        shown = sorted(preview.rows, key=lambda r: (not r.errors, r.line))[:500]
    return render(
        request, "signatories/party_import.html", {"form": form, "preview": preview, "shown": shown, "error": error}
    )


@require_POST
@login_required
def party_import_cancel(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_secretariat(request)
    request.session.pop(SESSION_KEY, None)
    return redirect("signatories:parties")
