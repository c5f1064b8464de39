"""Project-level views that belong to no app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: renders a small template and touches no database.

    The benchmark uses it as the bare reference, so its figures read as ratios across machines.
    """
    return render(request, "healthz.html", {"status": "ok"})
