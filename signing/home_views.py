"""The home page: what is waiting for this person, then the declarations shared with them.

A view at the signing level, not in declarations: it reads rounds and signings (see home.py).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.auth_types import AuthenticatedHttpRequest
from declarations.models import Declaration
from declarations.permissions import declarations_for
from signatories.models import Membership
from signatories.people import secretariats_of

from .home import waiting_for


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Guardian's query for what the user may see, run once for both lists (it is the costliest to build).
    visible = list(declarations_for(request.user).values_list("pk", flat=True))
    declarations = (
        Declaration.objects.filter(pk__in=visible)
        .annotate(version_count=Count("versions"), last_version=Max("versions__number"))
        .order_by("slug")
    )
    memberships = list(Membership.objects.filter(user=request.user).select_related("party"))
    context = {
        "waiting": waiting_for(request.user, visible=visible, memberships=memberships),
        "declarations": declarations,
        "memberships": memberships,
        "secretariats": secretariats_of(request.user),
    }
    return render(request, "home.html", context)
