"""Template helpers for PDF templates: ``{% load pdf_text %}``.

``{{ value|keep_korean_words }}`` — escape + keep Hangul words unbreakable
(see documents.rendering.keep_korean_words). ``{% qr_svg url title %}`` — inline QR, *title* its text alternative.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from documents import rendering

register = template.Library()


@register.filter(name="keep_korean_words", is_safe=False)
def keep_korean_words(value: object) -> SafeString:
    # is_safe=False + explicit escaping inside: the output is safe because the
    # function escapes everything it did not add itself.
    return rendering.keep_korean_words("" if value is None else str(value))


@register.simple_tag(name="qr_svg")
def qr_svg(url: str, title: str = "") -> SafeString:
    return rendering.qr_code_svg(url, title=title)
