"""Redline (tracked-changes) engine for Accord declarations.

Tokens come from the ``regex`` package (grapheme clusters, scripts: ``tokens``), matching is
difflib's ``SequenceMatcher`` (``text``), documents are matched clause by clause by key
(``documents``). The diff core has no Django dependency, so it runs in management commands,
background tasks, benchmarks and property tests alike; only the HTML helpers (``render``) use
``django.utils.html`` so that their output is a ``SafeString``.
"""

from .documents import diff_documents, diff_documents_all
from .render import diff_html, side_by_side
from .results import (
    ClauseDiff,
    ClauseSnapshot,
    ClauseStatus,
    DiffSummary,
    DocumentDiff,
    DocumentSnapshot,
    SectionDiff,
    SectionSnapshot,
    SectionStatus,
)
from .text import Op, OpKind, diff_text, new_text, old_text
from .tokens import tokenize

__all__ = [
    "ClauseDiff",
    "ClauseSnapshot",
    "ClauseStatus",
    "DiffSummary",
    "DocumentDiff",
    "DocumentSnapshot",
    "Op",
    "OpKind",
    "SectionDiff",
    "SectionSnapshot",
    "SectionStatus",
    "diff_documents",
    "diff_documents_all",
    "diff_html",
    "diff_text",
    "new_text",
    "old_text",
    "side_by_side",
    "tokenize",
]
