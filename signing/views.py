"""Signing pages: thin views over the signing services."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.auth_types import AuthenticatedHttpRequest
from declarations import caching
from declarations.models import DeclarationVersion
from declarations.permissions import get_declaration_for, is_secretariat
from signatories.models import Membership

from . import selectors, services, stale
from .editions import board_summary
from .forms import (
    DeclineForm,
    DesignateForm,
    OpenSigningForm,
    ReopenForm,
    RevokeForm,
    SignForm,
)
from .frozen_text import frozen_reading, reading_language
from .models import Signature, SigningParty
from .permissions import (
    ANSWER,
    DESIGNATE,
    SIGNATORY,
    get_declaration_and_signing,
    get_signing_for,
    get_signing_party_for,
)


def _pick(request: HttpRequest, name: str, allowed: list[str], default: str) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else default


_reading_language = reading_language


def _client(request: HttpRequest) -> tuple[str | None, str]:
    # REMOTE_ADDR only: a forwarded header is whatever the client wants it to be (docs/signing.md).
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:500]


@require_GET
@login_required
def signing_board(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration, signing = get_declaration_and_signing(request.user, slug)
    secretariat = is_secretariat(request.user, declaration)
    if signing is None:
        if secretariat:
            return redirect("signing:signing_open", slug=slug)
        return render(request, "signing/not_open.html", {"declaration": declaration}, status=404)
    signing.declaration = declaration
    languages = sorted({*declaration.languages, "en", "ko"})
    order = _pick(request, "order", list(selectors.ORDERS), "signing")
    lang = _reading_language(request, languages, declaration.source_language)
    # The user's own memberships (a handful) decide what the rows offer them (designate, sign, see a
    # scan or a private reason): members and designated signatories get rows of their own, every
    # other reader with the same permissions shares them.
    memberships = sorted(Membership.objects.filter(user=request.user).order_by().values_list("party_id", "role"))
    designated = SigningParty.objects.filter(signing=signing, signatory=request.user).exists()
    personal = bool(memberships) or designated
    shown = {
        "signing": [signing.pk, signing.is_open],
        "order": order,
        "lang": lang,
        "time_zone": timezone.get_current_timezone_name(),
        "user": request.user.pk if personal else None,
    }
    stamp = selectors.signing_stamp(signing)  # before the board, as caching.draft_stamp

    def render_board() -> dict[str, Any]:
        board = selectors.signing_board(signing, order=order, language=lang)
        mine = {
            "my_party_ids": {party_id for party_id, _role in memberships},
            "my_focal_ids": {party_id for party_id, role in memberships if role == Membership.Role.FOCAL_POINT},
            "my_designations": {row.party_id for row in board.rows if row.signatory_id == request.user.pk},
        }
        rows = {"rows": board.rows, "signing": signing, "order": order, "lang": lang, "secretariat": secretariat}
        return {
            "counts": board.counts,
            "newer_version": board.newer_version,
            "rows_html": render_to_string("signing/_board_rows.html", {**rows, **mine}),
            "groups_html": render_to_string("signing/_board_groups.html", {"groups": board.groups, "signing": signing}),
        }

    key = caching.page_key("board", declaration, request.user, stamp=stamp, shown=shown)
    page = caching.cached_body(key, render_board)
    reopen_form = ReopenForm(signing=signing) if secretariat and page["newer_version"] and signing.is_open else None
    return render(
        request,
        "signing/board.html",
        {
            "declaration": declaration,
            "signing": signing,
            "counts": page["counts"],
            "rows_html": mark_safe(page["rows_html"]),  # noqa: S308 - our own rendered templates
            "groups_html": mark_safe(page["groups_html"]),  # noqa: S308
            "order": order,
            "lang": lang,
            "languages": languages,
            "secretariat": secretariat,
            "pending_names": selectors.pending_party_names(signing) if secretariat and signing.is_open else [],
            "reopen_form": reopen_form,
            "stale_note": stale.stale_warning(signing),
            "reopen_stale": stale.describe(stale.stale_texts(reopen_form.initial["version"])) if reopen_form else "",
            # After close: adherence (issue 21). Invite, and issue the next edition of the record.
            **(board_summary(declaration) if secretariat and not signing.is_open else {}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def signing_open(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    if not is_secretariat(request.user, declaration):
        raise PermissionDenied
    if hasattr(declaration, "signing"):
        return redirect("signing:signing", slug=slug)
    form = OpenSigningForm(request.POST or None, declaration=declaration)
    if request.method == "POST" and form.is_valid():
        try:
            services.signing_open(
                declaration=declaration,
                version=form.cleaned_data["version"],
                parties=form.ordered_parties(),
                deadline=form.cleaned_data["deadline"],
                ordered=form.cleaned_data["ordered"],
                undertaking=form.undertaking(),
                stale_reason=form.confirmed_reason(),
                by=request.user,
            )
        except services.SigningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Signing is open. The focal points have been asked to designate signatories."))
            return redirect("signing:signing", slug=slug)
    # The warning names the version the form shows: the one sent, else the latest.
    chosen = getattr(form, "cleaned_data", {}).get("version") or form.initial.get("version")
    return render(
        request,
        "signing/open.html",
        {
            "declaration": declaration,
            "form": form,
            "stale_version": chosen,
            "stale": stale.describe(stale.stale_texts(chosen)) if chosen else "",
        },
    )


@require_POST
@login_required
def signing_reopen(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    signing = get_signing_for(request.user, slug, secretariat=True)
    form = ReopenForm(request.POST, signing=signing)
    if form.is_valid():
        try:
            affected = services.signing_reopen(
                signing=signing,
                version=form.cleaned_data["version"],
                deadline=form.cleaned_data["deadline"],
                stale_reason=form.confirmed_reason(),
                by=request.user,
            )
        except services.SigningError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Signing now covers version %(n)s; %(count)s earlier answers were superseded.")
                % {"n": form.cleaned_data["version"].number, "count": len(affected)},
            )
    else:
        problems = [str(e) for field in ("stale_confirmed", "stale_reason") for e in form.errors.get(field, [])]
        messages.error(request, " ".join(problems) or _("Choose a newer version to reopen signing on."))
    return redirect("signing:signing", slug=slug)


@require_POST
@login_required
def signing_close(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    signing = get_signing_for(request.user, slug, secretariat=True)
    try:
        services.signing_close(signing=signing, by=request.user)
    except services.SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Signing is closed and the declaration is signed."))
    return redirect("signing:signing", slug=slug)


@require_POST
@login_required
def signing_remind(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    signing = get_signing_for(request.user, slug, secretariat=True)
    count = services.signing_send_reminders(signing=signing)
    messages.success(request, _("Reminders sent to %(count)s pending parties.") % {"count": count})
    return redirect("signing:signing", slug=slug)


@require_http_methods(["GET", "POST"])
@login_required
def designate(request: AuthenticatedHttpRequest, slug: str, party: str) -> HttpResponse:
    sp = get_signing_party_for(request.user, slug, party, DESIGNATE)
    form = DesignateForm(request.POST or None, signing_party=sp)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.signatory_designate(
                signing_party=sp,
                user=form.cleaned_data["signatory"].user,
                printed_name=form.cleaned_data["printed_name"],
                printed_title=form.cleaned_data["printed_title"],
                capacity=form.cleaned_data["capacity"],
                # Every form carries it ("" before the first designation); absent, nothing is checked.
                seen_designation=form.cleaned_data["seen_designation"] if "seen_designation" in request.POST else None,
                by=request.user,
            )
        except services.DesignationConflict as conflict:
            # 409: the page shows the designation now saved; sending again replaces it deliberately.
            fresh = request.POST.copy()
            fresh["seen_designation"] = services.designation_stamp(conflict.current)
            form = DesignateForm(fresh, signing_party=sp)
            form.is_valid()
            form.add_error(None, str(conflict))
            status = 409
        except services.SigningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The signatory has been designated and asked to sign."))
            return redirect("signing:signing", slug=slug)
    return render(
        request,
        "signing/designate.html",
        {"declaration": sp.signing.declaration, "signing": sp.signing, "sp": sp, "form": form},
        status=status,
    )


def _sign_page(
    request: AuthenticatedHttpRequest,
    sp: SigningParty,
    *,
    sign_form: SignForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    signing = sp.signing
    declaration = signing.declaration
    version = signing.version
    reading = frozen_reading(request, signing)
    head, languages, lang = reading.head, reading.languages, reading.lang
    current = Signature.objects.filter(signing=signing, party=sp.party, status__in=Signature.LIVE).first()
    designated = sp.signatory_id == request.user.pk
    since = selectors.latest_superseded(signing, sp.party)
    since_version = since.version if since else None
    asked = request.GET.get("since", "")
    if since_version is None and asked.isdigit():
        since_version = DeclarationVersion.objects.filter(
            declaration=declaration, number=int(asked), number__lt=version.number
        ).first()
    content_hash = version.content_hash
    return render(
        request,
        "signing/sign.html",
        {
            "head": head,
            "declaration": declaration,
            "signing": signing,
            "version": version,
            "sp": sp,
            # The text itself is loaded from its own address (frozen_text.py).
            "text_url": reading.url(signing),
            "text_ttl": caching.BODY_TTL,
            "lang": lang,
            "languages": languages,
            "undertaking": signing.undertaking.get(lang) or next(iter(signing.undertaking.values()), ""),
            "current": current,
            "designated": designated,
            "since": since,
            "since_version": since_version,
            "changes": selectors.changes_since(since_version, version, lang) if since_version else None,
            # Readers of a language whose translation was out of date when signing went ahead are told.
            "stale_warning": stale.stale_warning(signing, languages={request.LANGUAGE_CODE or "", lang}),
            # A {% cache %} fragment like the text: read only on a miss (once per change of a comment,
            # clause, section or version), and only once then.
            "outcomes_key": caching.page_key(
                "sign-outcomes",
                declaration,
                request.user,
                stamp=selectors.comment_outcomes_stamp(declaration),
                shown={"party": sp.party.key},
            ),
            "outcomes": functools.cache(lambda: selectors.comment_outcomes(declaration, sp.party)),
            "sign_form": sign_form or (SignForm(content_hash=content_hash, request=request) if designated else None),
            "decline_form": decline_form or DeclineForm(content_hash=content_hash),
            "revoke_form": RevokeForm(),
        },
        status=status,
    )


def _stale(request: HttpRequest, slug: str, party: str, seen_hash: str) -> HttpResponse:
    messages.warning(request, _("The text changed while you were reading; please review the new text."))
    seen = DeclarationVersion.objects.filter(declaration__slug=slug, content_hash=seen_hash).order_by("-number").first()
    url = reverse("signing:sign", args=[slug, party])
    return redirect(f"{url}?since={seen.number}" if seen else url)


@require_http_methods(["GET", "POST"])
@login_required
def sign(request: AuthenticatedHttpRequest, slug: str, party: str) -> HttpResponse:
    if request.method == "GET":
        return _sign_page(request, get_signing_party_for(request.user, slug, party, ANSWER))
    sp = get_signing_party_for(request.user, slug, party, SIGNATORY)
    form = SignForm(request.POST, request.FILES, request=request)
    if not form.is_valid() or form.signature_image is None:
        return _sign_page(request, sp, sign_form=form, status=400)
    ip, agent = _client(request)
    try:
        services.signature_sign(
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
    except services.StaleTextError:
        return _stale(request, slug, party, form.cleaned_data["content_hash"])
    except services.SigningError as exc:
        form.add_error(None, str(exc))
        return _sign_page(request, sp, sign_form=form, status=400)
    messages.success(request, _("You have signed for %(party)s.") % {"party": sp.party.display_name()})
    return redirect("signing:signing", slug=slug)


@require_POST
@login_required
def decline(request: AuthenticatedHttpRequest, slug: str, party: str) -> HttpResponse:
    sp = get_signing_party_for(request.user, slug, party, ANSWER)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _sign_page(request, sp, decline_form=form, status=400)
    ip, agent = _client(request)
    try:
        services.signature_decline(
            signing_party=sp,
            content_hash=form.cleaned_data["content_hash"],
            reason=form.cleaned_data["reason"],
            reason_public=form.cleaned_data["visibility"] == "public",
            idempotency_key=form.cleaned_data["idempotency_key"],
            ip_address=ip,
            user_agent=agent,
            by=request.user,
        )
    except services.StaleTextError:
        return _stale(request, slug, party, form.cleaned_data["content_hash"])
    except services.SigningError as exc:
        form.add_error(None, str(exc))
        return _sign_page(request, sp, decline_form=form, status=400)
    messages.success(request, _("%(party)s has declined to sign.") % {"party": sp.party.display_name()})
    return redirect("signing:signing", slug=slug)


@require_POST
@login_required
def revoke(request: AuthenticatedHttpRequest, slug: str, party: str) -> HttpResponse:
    sp = get_signing_party_for(request.user, slug, party, ANSWER)
    form = RevokeForm(request.POST)
    form.is_valid()
    try:
        services.signature_revoke(signing_party=sp, reason=form.cleaned_data.get("reason", ""), by=request.user)
    except services.SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The answer has been revoked; it stays on the record as revoked."))
    return redirect("signing:signing", slug=slug)
