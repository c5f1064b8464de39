"""Adherence pages: invite a party, adhere online, record an adherence given on paper or in person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.auth_types import AuthenticatedHttpRequest
from declarations import caching

from . import selectors
from .adherence import adherence_invite, adherence_of, adherence_record_offline, adherence_sign
from .adherence_forms import InviteAdherenceForm, RecordAdherenceForm
from .forms import SignForm
from .models import SigningParty
from .permissions import ANSWER, SECRETARIAT, SIGNATORY, get_signing_for, get_signing_party_for
from .services import SigningError
from .views import _client, _reading_language


@require_http_methods(["GET", "POST"])
@login_required
def invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The secretariat invites a party to adhere to the signed text."""
    signing = get_signing_for(request.user, slug, secretariat=True)
    if signing.is_open:
        messages.error(request, _("Parties adhere once signing is closed; while it is open, they sign."))
        return redirect("signing:signing", slug=slug)
    form = InviteAdherenceForm(request.POST or None, signing=signing)
    if request.method == "POST" and form.is_valid():
        party = form.chosen_party()
        try:
            adherence_invite(signing=signing, party=party, by=request.user)
        except SigningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(party)s is invited to adhere; its focal points have been told.") % {"party": party.display_name()},
            )
            return redirect("signing:signing", slug=slug)
    return render(
        request,
        "signing/adherence_invite.html",
        {"declaration": signing.declaration, "signing": signing, "form": form},
        status=400 if form.errors else 200,
    )


def _invited(sp: SigningParty) -> None:
    if sp.adherence_invited_at is None:
        raise Http404("This party is not invited to adhere.")


def _adhere_page(
    request: AuthenticatedHttpRequest, sp: SigningParty, *, sign_form: SignForm | None = None, status: int = 200
) -> HttpResponse:
    signing = sp.signing
    declaration, version = signing.declaration, signing.version
    # The frozen text's title and languages never change under its hash: cached, not read per request
    # (extracting them makes PostgreSQL read the whole ~1 MB snapshot).
    head_key = caching.page_key("sign-head", declaration, request.user, stamp=version.content_hash, shown={})
    head = caching.cached_body(head_key, lambda: selectors.frozen_head(version))
    languages = list(head.languages or declaration.languages)
    lang = _reading_language(request, languages, declaration.source_language)
    designated = sp.signatory_id == request.user.pk
    adhered = adherence_of(signing, sp.party)
    if sign_form is None and designated and adhered is None:
        sign_form = SignForm(content_hash=version.content_hash, request=request)
    text_key = caching.page_key(
        "sign-text", declaration, request.user, stamp=version.content_hash, shown={"lang": lang}
    )
    return render(
        request,
        "signing/adhere.html",
        {
            "text_key": text_key,
            "head": head,
            "text_ttl": caching.BODY_TTL,
            "declaration": declaration,
            "signing": signing,
            "version": version,
            "sp": sp,
            "sections": lambda: selectors.frozen_text(version),
            "lang": lang,
            "languages": languages,
            "undertaking": signing.undertaking.get(lang) or next(iter(signing.undertaking.values()), ""),
            "adhered": adhered,
            "sign_form": None if adhered else sign_form,
            "sign_action": reverse("signing:adhere", args=[declaration.slug, sp.party.key]),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def adhere(request: AuthenticatedHttpRequest, slug: str, party: str) -> HttpResponse:
    """The invited party's page: the signed text, and for its designated signatory the form to adhere."""
    if request.method == "GET":
        sp = get_signing_party_for(request.user, slug, party, ANSWER)
        _invited(sp)
        return _adhere_page(request, sp)
    sp = get_signing_party_for(request.user, slug, party, SIGNATORY)
    _invited(sp)
    form = SignForm(request.POST, request.FILES, request=request)
    if not form.is_valid() or form.signature_image is None:
        return _adhere_page(request, sp, sign_form=form, status=400)
    ip, agent = _client(request)
    try:
        adherence_sign(
            signing_party=sp,
            content_hash=form.cleaned_data["content_hash"],
            typed_name=form.cleaned_data["typed_name"],
            method=form.cleaned_data["method"],
            image=form.signature_image,
            idempotency_key=form.cleaned_data["idempotency_key"],
            ip_address=ip,
            user_agent=agent,
            by=request.user,
        )
    except SigningError as exc:
        form.add_error(None, str(exc))
        return _adhere_page(request, sp, sign_form=form, status=400)
    messages.success(request, _("%(party)s has adhered to the declaration.") % {"party": sp.party.display_name()})
    return redirect("signing:signing", slug=slug)


@require_http_methods(["GET", "POST"])
@login_required
def record(request: AuthenticatedHttpRequest, slug: str, party: str) -> HttpResponse:
    """The secretariat records an adherence given on paper or in person, with its date."""
    sp = get_signing_party_for(request.user, slug, party, SECRETARIAT)
    _invited(sp)
    form = RecordAdherenceForm(request.POST or None, request.FILES or None, signing_party=sp)
    if request.method == "POST" and form.is_valid():
        try:
            adherence_record_offline(
                signing_party=sp,
                content_hash=form.cleaned_data["content_hash"],
                method=form.cleaned_data["method"],
                printed_name=form.cleaned_data["printed_name"],
                printed_title=form.cleaned_data["printed_title"],
                capacity=form.cleaned_data["capacity"],
                adhered_on=form.cleaned_data["adhered_on"],
                scan=form.cleaned_scan,
                by=request.user,
            )
        except SigningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The adherence of %(party)s is recorded.") % {"party": sp.party.display_name()})
            return redirect("signing:signing", slug=slug)
    return render(
        request,
        "signing/adherence_record.html",
        {"declaration": sp.signing.declaration, "signing": sp.signing, "sp": sp, "form": form},
        status=400 if form.errors else 200,
    )
