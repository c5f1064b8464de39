"""Which parties take part in a declaration: adding them (from the directory or the UN list), removing them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import remove_perm

from config.auth_types import User
from signatories.models import Party
from signatories.services import party_upsert
from signatories.un_states import un_states

from .models import Declaration, DeclarationParty
from .services.common import DeclarationError
from .services.lifecycle import declaration_add_party


def parties_add(*, declaration: Declaration, parties: list[Party], by: User | None) -> int:
    """Add parties as participants; those already in keep their role. Returns how many were added."""
    with transaction.atomic():
        Declaration.objects.select_for_update().get(pk=declaration.pk)
        already = set(declaration.participations.values_list("party_id", flat=True))
        added = [p for p in parties if p.pk not in already]
        for party in added:
            declaration_add_party(declaration=declaration, party=party, by=by)
    return len(added)


def un_parties(codes: list[str] | None, *, by: User | None) -> list[Party]:
    """Directory entries for the UN states with these ISO codes (all when None), created if missing."""
    wanted = {c.upper() for c in codes} if codes is not None else None
    states = [s for s in un_states() if wanted is None or s.alpha2 in wanted]
    existing = {p.key: p for p in Party.objects.filter(key__in=[s.key for s in states])}
    return [existing.get(s.key) or party_upsert(data=s.party_data(), by=by) for s in states]


def party_has_acted(declaration: Declaration, party: Party) -> bool:
    """Has the party left a trace in this declaration: a comment, an answer to a round, a signature?

    The lookups go through the related names the comment-round and signing models declare, so
    this module does not import the apps above it.
    """
    return (
        party.comments.filter(round__declaration=declaration).exists()  # type: ignore[attr-defined]
        or party.round_invitations.filter(round__declaration=declaration, responded_at__isnull=False).exists()  # type: ignore[attr-defined]
        or party.signatures.filter(signing__declaration=declaration).exists()  # type: ignore[attr-defined]
        or party.signings.filter(signing__declaration=declaration).exists()  # type: ignore[attr-defined]
    )


def party_remove(*, declaration: Declaration, party: Party, by: User | None) -> None:
    """Take a party off a declaration, only while it has not acted (what it did stays on the record)."""
    with transaction.atomic():
        Declaration.objects.select_for_update().get(pk=declaration.pk)
        link = DeclarationParty.objects.filter(declaration=declaration, party=party).first()
        if link is None:
            raise DeclarationError(_("This party does not take part in the declaration."))
        if party_has_acted(declaration, party):
            raise DeclarationError(
                _("%(party)s has already commented, answered or signed; it cannot be removed.")
                % {"party": party.display_name()}
            )
        link.delete()
        for perm in ("view_declaration", "comment_declaration", "sign_declaration"):
            remove_perm(perm, party.group, declaration)
