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
from declarations.permissions import EDIT, VIEW, declaration_ids_with
from signatories.models import Membership
from signatories.people import secretariats_of

from .home import waiting_for


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # What the user may see and what they edit, in one query, for the page's lists and the tasks.
    held = declaration_ids_with(request.user, VIEW, EDIT)
    visible, edited = held["view_declaration"], held["edit_declaration"] & held["view_declaration"]
    declarations = (
        Declaration.objects.filter(pk__in=visible)
        .annotate(version_count=Count("versions"), last_version=Max("versions__number"))
        .order_by("slug")
    )
    memberships = list(Membership.objects.filter(user=request.user).select_related("party"))
    context = {
        "waiting": waiting_for(request.user, visible=visible, edited=edited, memberships=memberships),
        "declarations": declarations,
        "memberships": memberships,
        "secretariats": secretariats_of(request.user),
    }
    return render(request, "home.html", context)
