"""The redline as HTML: ``SafeString``s that templates render without double escaping."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape, format_html

from config.text import show_controls

from .text import Op

# C0 controls (other than tab, LF, FF, CR) and DEL are not allowed in HTML/XML
# text; NUL in particular is dropped or mangled by parsers and breaks the PDF
# pipeline.  Show them as U+FFFD so a hidden change still shows up.
_HTML_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F], "\ufffd")


def _esc(text: str) -> str:
    # escape() (unlike conditional_escape/format_html) escapes even strings
    # already marked safe: redline input is never trusted.
    # Direction controls are shown as markers (issue 18): they would reorder the redline around them.
    return escape(show_controls(text.translate(_HTML_CONTROL)))


def _join_safe(parts: list[str]) -> str:
    if not parts:
        return escape("")
    # Every part is already a SafeString; format_html leaves them as-is and
    # returns a SafeString, which "".join() would not.
    return format_html("{}" * len(parts), *parts)


def render_ops(ops: Iterable[Op], *, show_delete: bool, show_insert: bool) -> str:
    parts: list[str] = []
    for op in ops:
        if op.kind == "equal":
            parts.append(_esc(op.text))
        elif op.kind == "delete":
            if show_delete:
                parts.append(format_html('<del class="rl-del">{}</del>', _esc(op.text)))
        elif op.kind == "insert":
            if show_insert:
                parts.append(format_html('<ins class="rl-ins">{}</ins>', _esc(op.text)))
        else:
            raise ValueError(f"unknown op kind: {op.kind!r}")
    return _join_safe(parts)


def diff_html(ops: Iterable[Op]) -> str:
    """Inline redline HTML (a ``SafeString``): equal text, ``<del>``, ``<ins>``."""
    return render_ops(ops, show_delete=True, show_insert=True)


def side_by_side(ops: Iterable[Op]) -> tuple[str, str]:
    """HTML for the old column (equal + ``<del>``) and the new column (equal + ``<ins>``)."""
    ops = list(ops)
    return (
        render_ops(ops, show_delete=True, show_insert=False),
        render_ops(ops, show_delete=False, show_insert=True),
    )
