"""Markdown export of a published version, one language per file (docs/formats.md).

Headings and clauses carry their Accord keys as attributes (`{#key}`, the syntax of Pandoc, PHP
Markdown Extra and markdown-it-attrs), so a file can be read back into the same clauses.
"""

from __future__ import annotations

import re
from datetime import UTC

from .models import Declaration, DeclarationVersion

MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"
# Characters Markdown would read as markup, escaped with a backslash so the text reads back exactly.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])(\s|$)")


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    # "1." is escaped as "1\." (a backslash before the digit would print); "-" as "\-".
    escaped = f"{marker[:-1]}\\{marker[-1]}" if marker[0].isdigit() else f"\\{marker}"
    return match.group(1) + escaped + match.group(3)


def escape(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    return "\n".join(_LINE_START.sub(_escape_line_start, line) for line in text.split("\n"))


def build_markdown(*, declaration: Declaration, version: DeclarationVersion, language: str) -> str:
    """The version's text in one language: title, section headings, numbered clauses, each with its key."""
    snapshot = version.snapshot
    if language not in snapshot.get("languages", []):
        raise ValueError(f"Not a language of version {version.number}: {language}")
    lines = [
        "---",
        f"declaration: {declaration.slug}",
        f"version: {version.number}",
        f"label: {escape(version.label)}",
        # ISO 8601 with its offset: a bare date would be the UTC date, a day off for half the world.
        f"published: {version.published_at.astimezone(UTC).isoformat(timespec='seconds')}",
        f"language: {language}",
        f"sha256: {version.content_hash}",
        "---",
        "",
        f"# {escape(snapshot.get('title', {}).get(language, ''))}",
        "",
    ]
    number = 0
    for section in snapshot.get("sections", []):
        lines += [f"## {escape(section.get('heading', {}).get(language, ''))} {{#{section['key']}}}", ""]
        for clause in section.get("clauses", []):
            number += 1
            text = escape(clause.get("text", {}).get(language, ""))
            # Continuation lines are indented so a line break stays inside the clause's paragraph.
            body = text.replace("\n", "  \n    ")
            lines += [f"{number}. {body} {{#{clause['key']}}}", ""]
    return "\n".join(lines)
