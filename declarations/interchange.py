"""Accord's interchange format (docs/interchange.md): validation, snapshots, canonical hash.

The format is the JSON shape of the DETA manifesto file: title and headings per language,
sections of clauses with stable keys, text per language. Optional keys (`slug`,
`source_language`, `versions`) are written only when they differ from their defaults, so a
file without them round-trips byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.utils.text import slugify

from config.text import single_line_problem

from .snapshot import Snapshot

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_TEXT = 100_000
FORMAT = "accord-declaration/1"

# The stored JSON form of a text (declarations.snapshot.Snapshot is its typed form).
SnapshotData = dict[str, Any]


class InterchangeError(ValueError):
    """The file does not follow the interchange format; `path` names the bad field."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def _check_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise InterchangeError(path, "must not contain NUL characters")
    if len(text) > MAX_TEXT:
        raise InterchangeError(path, f"is longer than {MAX_TEXT} characters")
    # Security review: a JSON escape like "\ud800" yields a lone surrogate, which no database or
    # hash can encode (it crashed the import and would break the content hash).
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InterchangeError(path, "must be valid Unicode text (it contains a lone surrogate)") from None


def _check_line(text: str, path: str) -> None:
    # Issue 18: a title with a line break made opening a round answer 500 (an e-mail header), and a
    # direction control in a title or heading reorders what a reader sees.
    if problem := single_line_problem(text):
        raise InterchangeError(path, str(problem[1]).rstrip("."))


def _require_str_map(
    value: object, path: str, languages: list[str], *, required: list[str], one_line: bool = False
) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InterchangeError(path, "must be an object mapping language codes to text")
    for lang, text in value.items():
        if lang not in languages:
            raise InterchangeError(f"{path}.{lang}", f"language '{lang}' is not in 'languages'")
        if not isinstance(text, str):
            raise InterchangeError(f"{path}.{lang}", "must be a string")
        _check_text(text, f"{path}.{lang}")
        if one_line:
            _check_line(text, f"{path}.{lang}")
    for lang in required:
        if not str(value.get(lang, "")).strip():
            raise InterchangeError(f"{path}.{lang}", "is required (source language)")
    return value


def validate(data: object) -> SnapshotData:
    """Check a parsed file and return it; raise InterchangeError naming the first bad field."""
    if not isinstance(data, dict):
        raise InterchangeError("$", "the file must contain a JSON object")
    allowed = {"format", "slug", "title", "languages", "source_language", "versions", "sections"}
    for key in data:
        if key not in allowed:
            raise InterchangeError(key, "is not a field of the interchange format")
    languages = data.get("languages")
    if not isinstance(languages, list) or not languages:
        raise InterchangeError("languages", "must be a non-empty list of language codes")
    for i, lang in enumerate(languages):
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            raise InterchangeError(f"languages[{i}]", f"'{lang}' is not a language code like 'en' or 'ko'")
    if len(set(languages)) != len(languages):
        raise InterchangeError("languages", "lists a language twice")
    source = data.get("source_language", languages[0])
    if not isinstance(source, str) or source not in languages:
        raise InterchangeError("source_language", f"'{source}' is not in 'languages'")
    # Security review: `format` was never checked, so any value (even a huge number) was accepted.
    if "format" in data and data["format"] != FORMAT:
        raise InterchangeError("format", f"must be '{FORMAT}'")
    if "slug" in data and (not isinstance(data["slug"], str) or not KEY_RE.match(data["slug"])):
        raise InterchangeError("slug", "must be lowercase letters, digits and hyphens")
    _require_str_map(data.get("title"), "title", languages, required=[source], one_line=True)
    versions = data.get("versions", [])
    if not isinstance(versions, list) or not all(isinstance(v, dict) for v in versions):
        raise InterchangeError("versions", "must be a list of objects")
    # Security review: provenance entries were stored unchecked (NUL, nested objects, NaN reached
    # the database); they are labels, so every value must be text like any other field.
    for i, entry in enumerate(versions):
        for name, value in entry.items():
            if not isinstance(value, str):
                raise InterchangeError(f"versions[{i}].{name}", "must be a string")
            _check_text(value, f"versions[{i}].{name}")
            _check_line(value, f"versions[{i}].{name}")
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise InterchangeError("sections", "must be a non-empty list")
    seen_sections: set[str] = set()
    seen_clauses: set[str] = set()
    for i, section in enumerate(sections):
        path = f"sections[{i}]"
        if not isinstance(section, dict):
            raise InterchangeError(path, "must be an object")
        for key in section:
            if key not in {"key", "heading", "clauses"}:
                raise InterchangeError(f"{path}.{key}", "is not a field of a section")
        key = section.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise InterchangeError(f"{path}.key", "must be lowercase letters, digits and hyphens")
        if key in seen_sections:
            raise InterchangeError(f"{path}.key", f"'{key}' is used by another section")
        seen_sections.add(key)
        _require_str_map(section.get("heading", {}), f"{path}.heading", languages, required=[], one_line=True)
        clauses = section.get("clauses")
        if not isinstance(clauses, list):
            raise InterchangeError(f"{path}.clauses", "must be a list")
        for j, clause in enumerate(clauses):
            cpath = f"{path}.clauses[{j}]"
            if not isinstance(clause, dict):
                raise InterchangeError(cpath, "must be an object")
            for ckey in clause:
                if ckey not in {"key", "text"}:
                    raise InterchangeError(f"{cpath}.{ckey}", "is not a field of a clause")
            ckey_value = clause.get("key")
            if not isinstance(ckey_value, str) or not KEY_RE.match(ckey_value):
                raise InterchangeError(f"{cpath}.key", "must be lowercase letters, digits and hyphens")
            if ckey_value in seen_clauses:
                raise InterchangeError(f"{cpath}.key", f"'{ckey_value}' is used by another clause")
            seen_clauses.add(ckey_value)
            _require_str_map(clause.get("text"), f"{cpath}.text", languages, required=[source])
    return data


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Security review: json.loads keeps the last of two equal keys, other parsers the first, so
    # one file could show a reviewer one text and import another. Refuse the ambiguity.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InterchangeError("$", f"the key '{key}' appears twice in one object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise InterchangeError("$", f"{name} is not valid JSON")


def parse(raw: bytes | str) -> SnapshotData:
    """Parse and validate a file's content."""
    try:
        data = json.loads(raw, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except InterchangeError:
        raise
    # Security review: ValueError also covers integers longer than Python's digit limit, and
    # RecursionError deeply nested arrays; both used to escape as tracebacks.
    except (ValueError, UnicodeDecodeError) as exc:
        raise InterchangeError("$", f"not valid JSON ({exc})") from exc
    except RecursionError:
        raise InterchangeError("$", "not valid JSON (nested too deeply)") from None
    return validate(data)


SLUG_LENGTH = 40


def short_slug(title: str) -> str:
    """A slug of at most 40 characters, cut at a word boundary (long titles gave 80-character URLs)."""
    slug = slugify(title)
    if len(slug) > SLUG_LENGTH:
        cut = slug[:SLUG_LENGTH]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-") or "declaration"


def default_slug(data: SnapshotData) -> str:
    source = data.get("source_language", data["languages"][0])
    return short_slug(data["title"].get(source, ""))


TOP_LEVEL_ORDER = ["format", "slug", "title", "languages", "source_language", "versions", "sections"]
PROVENANCE_ORDER = ["language", "label"]


def _ordered_map(values: dict[str, str], languages: list[str]) -> dict[str, str]:
    return {lang: values[lang] for lang in [*languages, *sorted(set(values) - set(languages))] if lang in values}


def ordered(data: SnapshotData) -> SnapshotData:
    """The documented key order of the file form.

    Storage may not keep key order (PostgreSQL's jsonb sorts keys), so export puts them back:
    top-level fields in TOP_LEVEL_ORDER, language maps in the order of `languages`, provenance
    entries with `language` and `label` first and the rest alphabetically.
    """
    languages = list(data.get("languages", []))
    out: SnapshotData = {}
    for key in [*TOP_LEVEL_ORDER, *sorted(set(data) - set(TOP_LEVEL_ORDER))]:
        if key not in data:
            continue
        value = data[key]
        if key == "title":
            value = _ordered_map(value, languages)
        elif key == "versions":
            value = [
                {k: entry[k] for k in [*PROVENANCE_ORDER, *sorted(set(entry) - set(PROVENANCE_ORDER))] if k in entry}
                for entry in value
            ]
        elif key == "sections":
            value = [
                {
                    "key": section["key"],
                    "heading": _ordered_map(section.get("heading", {}), languages),
                    "clauses": [
                        {"key": c["key"], "text": _ordered_map(c["text"], languages)} for c in section["clauses"]
                    ],
                }
                for section in value
            ]
        out[key] = value
    return out


def dumps(data: SnapshotData) -> str:
    """The file form: documented key order, two-space indent, UTF-8 text kept readable."""
    return json.dumps(ordered(data), indent=2, ensure_ascii=False)


def canonical_content(data: SnapshotData) -> SnapshotData:
    """The part of a snapshot that the content hash covers: the text, nothing about workflow."""
    return {"format": FORMAT, **Snapshot.from_json(data).content()}


def canonical_bytes(data: SnapshotData) -> bytes:
    """Sorted keys, no insignificant white space, UTF-8, no Unicode normalisation."""
    return json.dumps(canonical_content(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def content_hash(data: SnapshotData) -> str:
    return hashlib.sha256(canonical_bytes(data)).hexdigest()
