"""Builders for people tests: a superuser, a secretariat with a member, a party, an invitation link."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core import mail

from signatories.models import Party, Secretariat
from signatories.people import secretariat_add_member, secretariat_create
from signatories.services import party_upsert

PASSWORD = "a long test password 42"


def make_user(username: str, *, email: str = "", superuser: bool = False):  # type: ignore[no-untyped-def]
    User = get_user_model()
    maker = User.objects.create_superuser if superuser else User.objects.create_user
    return maker(username, email or f"{username}@example.org", PASSWORD)


def make_secretariat(name: str = "Regional Digital Alliance", *, member: str | None = "member"):  # type: ignore[no-untyped-def]
    secretariat: Secretariat = secretariat_create(name=name, by=None)
    user = None
    if member:
        user = make_user(member)
        secretariat_add_member(secretariat=secretariat, user=user, by=None)
    return secretariat, user


def make_party(key: str = "bretagne", **extra: object) -> Party:
    data = {"key": key, "name": {"en": key.title(), "fr": key.title()}, "kind": "regional government", **extra}
    return party_upsert(data=data, by=None)


def link_in(message: mail.EmailMessage) -> str:
    """The invitation path in an e-mail (the part after SITE_URL)."""
    match = re.search(r"https?://[^/\s]+(/invite/[^/\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)
