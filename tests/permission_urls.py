"""How to fill every URL pattern's arguments from the permission world."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
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
    # An address no text has: insiders are sent to the page (which names the current one).
    "declarations:detail_text": lambda w: {**d(w), "digest": "0" * 64},
    # An address no text has: insiders are sent to the signing board.
    "signing:signing_text": lambda w: {**d(w), "digest": "0" * 64},
    "declarations:compare_text": lambda w: {**d(w), "digest": "0" * 64},
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
    "consultations:clause_pick": lambda w: {**d(w), "number": w.round.number},
    "consultations:clause": lambda w: {**d(w), "number": w.round.number, "key": "recommendation-5"},
    "signing:sign": lambda w: {**d(w), "party": "gyeonggi"},
    "signing:designate": lambda w: {**d(w), "party": "gyeonggi"},
    "signing:decline": lambda w: {**d(w), "party": "gyeonggi"},
    "signing:revoke": lambda w: {**d(w), "party": "gyeonggi"},
    "signing:record_offline": lambda w: {**d(w), "party": "gyeonggi"},
    "signing:record_refusal": lambda w: {**d(w), "party": "gyeonggi"},
    "signing:adhere": lambda w: {**d(w), "party": "gyeonggi"},
    "signing:record_adherence": lambda w: {**d(w), "party": "gyeonggi"},
    "signing:signature_image": lambda w: {**d(w), "pk": w.signature.pk},
    "signing:signature_scan": lambda w: {**d(w), "pk": w.paper.pk},
    "declarations:parties": d,
    "declarations:parties_add": d,
    "declarations:party_remove": lambda w: {**d(w), "key": "gyeonggi"},
    "signatories:secretariat": lambda w: {"slug": "deta-secretariat"},
    "signatories:secretariat_bulk_invite": lambda w: {"slug": "deta-secretariat"},
    "signatories:invitation_resend": lambda w: {"pk": 999_999},
    "signatories:invitation_revoke": lambda w: {"pk": 999_999},
    "signatories:invitation_accept": lambda w: {"token": "not-a-token"},
    # The admin's own account: a POST by the admin is refused (no one deactivates themselves).
    "signatories:person_deactivate": lambda w: {"pk": get_user_model().objects.get(username="siteadmin").pk},
    "signatories:party": lambda w: {"key": "gyeonggi"},
    "signatories:party_edit": lambda w: {"key": "gyeonggi"},
}
for _name in ["comment", "comment_edit", "comment_discard", "comment_dispose", "comment_withdraw", "comment_reply"]:
    KWARGS[f"consultations:{_name}"] = lambda w: {**d(w), "number": w.round.number, "comment_id": w.submitted.pk}


def admin_urls(w: World) -> list[str]:
    """A concrete URL for every pattern of the admin, filled with objects of the world."""
    from django.apps import apps
    from django.contrib.admin import site
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    User = get_user_model()
    victim = User.objects.get(username="gyeonggi.reviewer")
    values = {
        "id": str(victim.pk),
        "object_pk": str(w.other.pk),
        "user_id": str(User.objects.get(username="secretariat").pk),
        "group_id": str(Group.objects.order_by("pk").values_list("pk", flat=True)[0]),
        "content_type_id": str(ContentType.objects.get_for_model(w.other).pk),
    }

    def pk_under(route: str) -> str:
        parts = route.split("/")
        if len(parts) > 2 and parts[0] in {c.label for c in apps.get_app_configs()}:
            model = apps.get_model(parts[0], parts[1])
            if model is User:
                return str(victim.pk)
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return str(first or 1)
        return str(w.other.pk)

    def history_id(route: str) -> str:
        app_label, model_name = route.split("/")[:2]
        model = apps.get_model(app_label, model_name)
        history = getattr(model, "history", None)
        first = history.model.objects.order_by("pk").values_list("pk", flat=True).first() if history else None
        return str(first or 1)

    urls: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            if route.startswith("^(?P<app_label>"):
                urls.extend(f"{label}/" for label in sorted({m._meta.app_label for m in site._registry}))
                continue
            if route == "(?P<url>.*)$":
                urls.append("no-such-page/")
                continue
            if "^([^/]+)/history/([^/]+)/$" in route:
                head = route.split("^")[0]
                route = f"{head}{pk_under(head)}/history/{history_id(head)}/"
            for name, value in values.items():
                route = route.replace(f"<{name}>", value).replace(f"<path:{name}>", value)
            route = route.replace("<path:object_id>", pk_under(route))
            urls.append(route)

    index = reverse("admin:index")
    resolver = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "admin")
    walk(resolver.url_patterns, "")
    return [index + url for url in urls]
