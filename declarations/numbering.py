"""Paragraph numbers where people read them: officials cite "paragraph 5", not a clause key such as `vision`.

There is one numbering, ``snapshot.paragraphs`` (1, 2, 3 … in reading order across sections). These
reads give it for a published version — cached under the version's content hash, since a version's
text never changes — or for the live draft.
"""

from __future__ import annotations

from itertools import groupby

from django.core.cache import cache
from django.utils.translation import gettext

from .models import Clause, Declaration, DeclarationVersion
from .snapshot import Snapshot, paragraphs


def version_paragraphs(version: DeclarationVersion) -> dict[str, int]:
    """Clause key → paragraph number in a published version; the snapshot is read only on a cache miss."""

    def read() -> dict[str, int]:
        snapshot = DeclarationVersion.objects.values_list("snapshot", flat=True).get(pk=version.pk)
        return Snapshot.from_json(snapshot).paragraph_numbers()

    numbers: dict[str, int] | None = cache.get_or_set(f"paragraphs:{version.content_hash}", read, timeout=None)
    return numbers if numbers is not None else read()


def draft_paragraphs(declaration: Declaration) -> dict[str, int]:
    """Clause key → paragraph number in the live draft, as the declaration page numbers it. One query."""
    rows = (
        Clause.objects.filter(declaration=declaration, deleted_at__isnull=True, section__deleted_at__isnull=True)
        .order_by("section__position", "section_id", "position", "id")
        .values_list("section_id", "key")
    )
    sections = ([key for _section, key in group] for _id, group in groupby(rows, key=lambda row: row[0]))
    return {key: number for number, key in paragraphs(sections)}


def paragraph_label(numbers: dict[str, int], key: str) -> str:
    """ "Paragraph 5"; a clause the numbering does not know (added since that version) keeps its key."""
    number = numbers.get(key)
    if number is None:
        return gettext("Clause “%(key)s”") % {"key": key}
    return gettext("Paragraph %(number)s") % {"number": number}
