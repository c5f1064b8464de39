"""Every write to parties and memberships."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from config.auth_types import User
from config.text import single_line_problem

from .models import Membership, Party


class PartyError(Exception):
    """A request about parties that cannot be carried out; the message is for the user."""


def party_upsert(*, data: dict[str, Any], by: User | None) -> Party:
    """Create or update a party from the members file shape (key, name, short_name, country, kind)."""
    key = data.get("key")
    if not isinstance(key, str) or not key:
        raise PartyError("A party needs a key.")
    name = data.get("name") or {}
    if not isinstance(name, dict) or not all(isinstance(v, str) for v in name.values()):
        raise PartyError(f"Party '{key}': 'name' must map language codes to text.")
    for value in [*name.values(), data.get("short_name") or ""]:
        if problem := single_line_problem(value):
            raise PartyError(f"Party '{key}': {problem[1]}")
    kind = data.get("kind", Party.Kind.OTHER)
    if kind not in Party.Kind.values:
        raise PartyError(f"Party '{key}': unknown kind '{kind}'.")
    with transaction.atomic():
        party = Party.objects.select_for_update().filter(key=key).first()
        if party is None:
            group, _ = Group.objects.get_or_create(name=f"party:{key}")
            party = Party(key=key, group=group)
        party.name = name
        party.short_name = data.get("short_name") or name.get("en") or key
        party.country = (data.get("country") or "")[:2]
        party.kind = kind
        party.note = data.get("note") or ""
        party.save()
    return party


def membership_add(*, user: User, party: Party, role: str, by: User | None) -> Membership:
    """Let a user act for a party in a role (idempotent)."""
    if role not in Membership.Role.values:
        raise PartyError(f"Unknown role '{role}'.")
    with transaction.atomic():
        membership, _ = Membership.objects.get_or_create(user=user, party=party, role=role)
        user.groups.add(party.group)
    return membership


def membership_remove(*, membership: Membership, by: User | None) -> None:
    """End a user's role for a party; they leave the party's group when no role is left."""
    with transaction.atomic():
        user, party = membership.user, membership.party
        membership.delete()
        if not Membership.objects.filter(user=user, party=party).exists():
            user.groups.remove(party.group)


def parties_of(user: User) -> list[Party]:
    return list(Party.objects.filter(memberships__user=user).distinct())
