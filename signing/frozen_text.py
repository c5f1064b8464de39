"""The frozen text a party signs, at an address of its own (as the declaration's text, decision 97).

The text of a version never changes under its content hash, so the sign page names the address of
its rendering (the digest of its `page_key`) and the browser loads it with htmx and keeps it
(`Cache-Control: private, immutable`): the per-user page stays small. The address serves the body
only to a reader whose own key has that digest; without JavaScript the page links to it and the
text comes inside a whole page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from config.auth_types import AuthenticatedHttpRequest
from declarations import caching
from declarations.snapshot import Snapshot

from . import selectors
from .models import Signing
from .permissions import get_signing_for


def reading_language(request: HttpRequest, languages: list[str], source: str) -> str:
    """The language asked for (`?lang=`) if the text has it, else the interface's, else the source."""
    ui = (request.LANGUAGE_CODE or "en").split("-")[0]
    asked = request.GET.get("lang", "")
    return asked if asked in languages else (ui if ui in languages else source)


@dataclass(frozen=True)
class FrozenReading:
    head: Snapshot  # title and languages, no sections
    languages: list[str]
    lang: str
    key: str  # the rendering's page_key

    def url(self, signing: Signing) -> str:
        digest = caching.key_digest(self.key)
        address = reverse("signing:signing_text", args=[signing.declaration.slug, digest])
        return f"{address}?{urlencode({'lang': self.lang})}"


def frozen_reading(request: AuthenticatedHttpRequest, signing: Signing) -> FrozenReading:
    """What a reader of the signing's version sees of its text, and the key of its rendering."""
    declaration, version = signing.declaration, signing.version
    # Title and languages never change under the hash: cached, not read per request (extracting
    # them makes PostgreSQL read the whole ~1 MB snapshot).
    head_key = caching.page_key("sign-head", declaration, request.user, stamp=version.content_hash, shown={})
    head = caching.cached_body(head_key, lambda: selectors.frozen_head(version))
    languages = list(head.languages or declaration.languages)
    lang = reading_language(request, languages, declaration.source_language)
    key = caching.page_key("sign-text", declaration, request.user, stamp=version.content_hash, shown={"lang": lang})
    return FrozenReading(head=head, languages=languages, lang=lang, key=key)


def render_frozen_text(reading: FrozenReading, signing: Signing) -> str:
    """The text as a {% cache %} fragment under the reading's key: the sections are read on a miss only."""
    version = signing.version
    context = {
        "text_key": reading.key,
        "text_ttl": caching.BODY_TTL,
        "lang": reading.lang,
        "sections": lambda: selectors.frozen_text(version),
    }
    return render_to_string("signing/_frozen_text.html", context)


@require_GET
@login_required
def signing_text(request: AuthenticatedHttpRequest, slug: str, digest: str) -> HttpResponse:
    """The frozen text at its content-addressed address (see the module docstring)."""
    signing = get_signing_for(request.user, slug)
    reading = frozen_reading(request, signing)
    htmx = request.headers.get("HX-Request") == "true"
    if digest != caching.key_digest(reading.key):
        # Another reader's address (other permissions) or another version's: back to the signing.
        if htmx:
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect("signing:signing", slug=slug)
    text = mark_safe(render_frozen_text(reading, signing))  # noqa: S308 - our own rendered template
    if htmx:
        response = HttpResponse(text)
        patch_cache_control(response, private=True, max_age=caching.IMMUTABLE_MAX_AGE, immutable=True)
    else:
        context = {"declaration": signing.declaration, "head": reading.head, "lang": reading.lang, "text": text}
        response = render(request, "signing/frozen_text.html", context)
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["HX-Request"])
    return response
