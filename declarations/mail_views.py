"""The secretariat's list of a declaration's e-mail deliveries (issue 18: failures stay visible)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.auth_types import AuthenticatedHttpRequest
from declarations.permissions import EDIT, get_declaration_for
from signatories.models import MailDelivery


@require_GET
@login_required
def mail_deliveries(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The secretariat's view of the declaration's e-mails: what failed or waits for a retry, then the latest sent."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    deliveries = MailDelivery.objects.filter(declaration=declaration).select_related("recipient")
    problems = deliveries.exclude(status=MailDelivery.Status.SENT)
    return render(
        request,
        "declarations/mail_deliveries.html",
        {
            "declaration": declaration,
            "problems": list(problems[:500]),
            "sent": list(deliveries.filter(status=MailDelivery.Status.SENT)[:50]),
        },
    )
