"""Refuse a request body larger than any upload Accord accepts before anything reads it (issue 18)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """Answer 413 when Content-Length exceeds UPLOAD_MAX_BYTES.

    Django streams file uploads to a temporary file whatever their size (DATA_UPLOAD_MAX_MEMORY_SIZE
    leaves files out) and each form checks the size only afterwards; a 10 GB POST would fill the disk
    first. WSGI servers never read past Content-Length, so checking it bounds what is read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_MAX_BYTES
        if length > limit:
            message = _("The request is larger than %(mb)d MB, more than any file Accord accepts.") % {
                "mb": limit // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
