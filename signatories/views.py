"""The user's own settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from config.auth_types import AuthenticatedHttpRequest

from .models import Membership
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
