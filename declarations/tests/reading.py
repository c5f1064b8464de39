"""Reading the declaration and compare pages as a browser does: the per-user page, then the text at its own address."""

from __future__ import annotations

import html
import re
from typing import Any

from django.http import HttpResponseBase
from django.test import Client

TEXT_URL = re.compile(r'id="(?:declaration|compare)-text" hx-get="([^"]+)"')


def text_url(page: HttpResponseBase) -> str:
    """The address of the text that the declaration page loads."""
    match = TEXT_URL.search(page.content.decode())  # type: ignore[attr-defined]
    assert match, "the declaration page names no text address"
    return html.unescape(match.group(1))


def read_declaration(client: Client, url: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
    """The page with its text in it, as a browser without JavaScript gets it by following the link."""
    page = client.get(url, data or {}, **extra)
    assert page.status_code == 200, page.status_code
    return client.get(text_url(page), **extra)
