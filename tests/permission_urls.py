"""How to fill every URL pattern's arguments from the permission world."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from .permission_world import World

SLUG = "deta-trustworthy-ai-manifesto"


def all_url_names() -> set[str]:
    """Every named URL pattern Accord serves, with its namespace (admin's are matched by prefix)."""

    def walk(patterns: list[Any], namespace: str | None) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                names |= walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                names.add(f"{namespace}:{name}" if namespace else name)
        return names

    return walk(get_resolver().url_patterns, None)


def d(w: World) -> dict[str, Any]:
    return {"slug": w.declaration.slug}


KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "documents:job": lambda w: {**d(w), "job_id": w.job.pk},
    "documents:job_status": lambda w: {**d(w), "job_id": w.job.pk},
    "documents:download": lambda w: {**d(w), "sha256": w.document.sha256},
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "declarations:clause": lambda w: {**d(w), "key": "recommendation-5"},
    "declarations:clause_edit": lambda w: {**d(w), "key": "recommendation-5", "language": "en"},
    "declarations:clause_confirm": lambda w: {**d(w), "key": "recommendation-5", "language": "ko"},
    "declarations:clause_delete": lambda w: {**d(w), "key": "recommendation-5"},
    "declarations:clause_restore": lambda w: {**d(w), "key": "recommendation-5"},
    "declarations:clause_move": lambda w: {**d(w), "key": "recommendation-5"},
    "declarations:clause_tools": lambda w: {**d(w), "key": "recommendation-5"},
    "declarations:clause_history": lambda w: {**d(w), "key": "recommendation-5"},
    "declarations:section_edit": lambda w: {**d(w), "key": "core-values"},
    "declarations:section_move": lambda w: {**d(w), "key": "core-values"},
    "declarations:section_delete": lambda w: {**d(w), "key": "core-values"},
    "declarations:section_restore": lambda w: {**d(w), "key": "core-values"},
    "declarations:clause_add": lambda w: {**d(w), "section_key": "core-values"},
    "declarations:version": lambda w: {**d(w), "number": 1},
    "declarations:version_docx": lambda w: {**d(w), "number": 1},
    "declarations:version_markdown": lambda w: {**d(w), "number": 1},
    "documents:version_akn": lambda w: {**d(w), "number": 1},
    "consultations:round": lambda w: {**d(w), "number": w.round.number},
    "consultations:round_close": lambda w: {**d(w), "number": w.round.number},
    "consultations:party_submit": lambda w: {**d(w), "number": w.round.number},
    "consultations:matrix": lambda w: {**d(w), "number": w.round.number, "fmt": "xlsx"},
    "consultations:import": lambda w: {**d(w), "number": w.round.number},
    "consultations:import_confirm": lambda w: {**d(w), "number": w.round.number},
    "consultations:party_matrix": lambda w: {**d(w), "number": w.round.number},
    "consultations:comment_new": lambda w: {**d(w), "number": w.round.number},
    "signatories:sign": lambda w: {**d(w), "party": "gyeonggi"},
    "signatories:designate": lambda w: {**d(w), "party": "gyeonggi"},
    "signatories:decline": lambda w: {**d(w), "party": "gyeonggi"},
    "signatories:revoke": lambda w: {**d(w), "party": "gyeonggi"},
    "signatories:record_offline": lambda w: {**d(w), "party": "gyeonggi"},
    "signatories:signature_image": lambda w: {**d(w), "pk": w.signature.pk},
    "signatories:signature_scan": lambda w: {**d(w), "pk": w.paper.pk},
}
for _name in ["comment", "comment_edit", "comment_discard", "comment_dispose", "comment_withdraw", "comment_reply"]:
    KWARGS[f"consultations:{_name}"] = lambda w: {**d(w), "number": w.round.number, "comment_id": w.submitted.pk}
