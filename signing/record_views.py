"""Pages of the record: answers recorded for a party (paper, in person, a refusal), signature files, audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.auth_types import AuthenticatedHttpRequest
from declarations.permissions import is_secretariat
from signatories.models import Membership

from . import services
from .audit import audit_verify
from .forms import (
    RecordOfflineForm,
    RecordRefusalForm,
)
from .permissions import (
    SECRETARIAT,
    get_signature_for,
    get_signing_for,
    get_signing_party_for,
)
from .record import audit_events
from .refusals import signature_record_refusal


@require_http_methods(["GET", "POST"])
@login_required
def record_offline(request: AuthenticatedHttpRequest, slug: str, party: str) -> HttpResponse:
    sp = get_signing_party_for(request.user, slug, party, SECRETARIAT)
    form = RecordOfflineForm(request.POST or None, request.FILES or None, signing_party=sp)
    if request.method == "POST" and form.is_valid():
        try:
            services.signature_record_offline(
                signing_party=sp,
                method=form.cleaned_data["method"],
                printed_name=form.cleaned_data["printed_name"],
                printed_title=form.cleaned_data["printed_title"],
                capacity=form.cleaned_data["capacity"],
                signed_at=form.cleaned_data["signed_at"],
                scan=form.cleaned_scan,
                by=request.user,
            )
        except services.SigningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The signature of %(party)s is recorded.") % {"party": sp.party.display_name()})
            return redirect("signing:signing", slug=slug)
    return render(
        request,
        "signing/record.html",
        {"declaration": sp.signing.declaration, "signing": sp.signing, "sp": sp, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def record_refusal(request: AuthenticatedHttpRequest, slug: str, party: str) -> HttpResponse:
    """The secretariat records that a party declined to sign or did not take part."""
    sp = get_signing_party_for(request.user, slug, party, SECRETARIAT)
    form = RecordRefusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signature_record_refusal(
                signing_party=sp,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                reason_public=form.cleaned_data["visibility"] == "public",
                by=request.user,
            )
        except services.SigningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The answer of %(party)s is recorded.") % {"party": sp.party.display_name()})
            return redirect("signing:signing", slug=slug)
    return render(
        request,
        "signing/refusal.html",
        {"declaration": sp.signing.declaration, "signing": sp.signing, "sp": sp, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def signature_image(request: AuthenticatedHttpRequest, slug: str, pk: int) -> FileResponse:
    signature = get_signature_for(request.user, slug, pk)
    if not signature.image:
        raise PermissionDenied
    response = FileResponse(signature.image.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def signature_scan(request: AuthenticatedHttpRequest, slug: str, pk: int) -> FileResponse:
    signature = get_signature_for(request.user, slug, pk)
    own_party = Membership.objects.filter(user=request.user, party=signature.party).exists()
    if not signature.scan or not (own_party or is_secretariat(request.user, signature.signing.declaration)):
        raise PermissionDenied
    kind = (signature.scan.name or "").rsplit(".", 1)[-1]
    content_type = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}.get(
        kind, "application/octet-stream"
    )
    response = FileResponse(
        signature.scan.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"{signature.party.key}-signature.{kind}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def audit_trail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    signing = get_signing_for(request.user, slug, secretariat=True)
    return render(
        request,
        "signing/audit.html",
        {
            "declaration": signing.declaration,
            "signing": signing,
            "events": audit_events(signing.declaration),
            "check": audit_verify(signing.declaration),
        },
    )
