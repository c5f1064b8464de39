"""Template helpers for multilingual content. Nothing here marks user text safe."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info

from config.text import hidden_format_characters, show_controls
from declarations.numbering import paragraph_label
from signatories.models import pick_language

register = template.Library()

RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}


@register.filter
def text_in(clause_view: Any, language: str) -> str:
    """The clause's text in a language ("" when missing)."""
    return clause_view.text(language) if clause_view is not None else ""


@register.filter
def in_language(values: dict[str, str] | None, language: str) -> str:
    """Pick a language from a {language: text} map, falling back to English or any."""
    return pick_language(values or {}, language)


@register.filter
def exact_language(values: dict[str, str] | None, language: str) -> str:
    """A language from a {language: text} map, without fallback."""
    return (values or {}).get(language, "")


@register.filter
def lang_name(code: str) -> str:
    """The language's own name (English, 한국어, français …), or the code."""
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


@register.filter
def lang_dir(code: str) -> str:
    return "rtl" if (code or "").split("-")[0] in RTL_LANGUAGES else "ltr"


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.simple_tag
def paragraph(numbers: dict[str, int] | None, key: str) -> str:
    """ "Paragraph 5" for a clause key, from a key → number map (declarations.numbering)."""
    return paragraph_label(numbers or {}, key)


@register.simple_tag
def back_office_url() -> str:
    """The admin's index, or "" when the admin is not mounted (ADMIN_ENABLED off)."""
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return ""


@register.filter
def shown(text: Any) -> Any:
    """User text for display: direction controls become visible markers (config.text.show_controls).

    The stored text keeps them; only what a reader sees changes, so "evil" never shows as "live".
    """
    if isinstance(text, SafeString) or not isinstance(text, str):
        return text
    return show_controls(text)


@register.filter
def hidden_characters(text: Any) -> list[str]:
    """Invisible format characters in a text that no script needs (shown to the secretariat as a warning)."""
    return hidden_format_characters(text) if isinstance(text, str) and text else []
