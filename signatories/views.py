"""The user's own settings, and the secretariat's list of e-mail deliveries of a declaration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from config.auth_types import AuthenticatedHttpRequest
from declarations.permissions import EDIT, get_declaration_for

from .models import MailDelivery, Membership
from .notifications import set_email_notifications, wants_email


@login_required
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        enabled = request.POST.get("email_enabled") == "on"
        set_email_notifications(user=request.user, enabled=enabled)
        messages.success(request, _("E-mail notifications are on.") if enabled else _("E-mail notifications are off."))
        return redirect("signatories:account")
    memberships = Membership.objects.filter(user=request.user).select_related("party")
    return render(
        request,
        "signatories/account.html",
        {"email_enabled": wants_email(request.user), "memberships": memberships},
    )


@require_GET
@login_required
def mail_deliveries(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The secretariat's view of the declaration's e-mails: what failed or waits for a retry, then the latest sent."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    deliveries = MailDelivery.objects.filter(declaration=declaration).select_related("recipient")
    problems = deliveries.exclude(status=MailDelivery.Status.SENT)
    return render(
        request,
        "signatories/mail_deliveries.html",
        {
            "declaration": declaration,
            "problems": list(problems[:500]),
            "sent": list(deliveries.filter(status=MailDelivery.Status.SENT)[:50]),
        },
    )
