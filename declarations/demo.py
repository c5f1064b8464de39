"""The demo: the DETA manifesto, the DETA members and one login per role (docs/demo.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from signatories.models import Membership, Party, Secretariat
from signatories.people import is_secretariat_member, secretariat_add_member, secretariat_create
from signatories.services import membership_add, party_upsert

from .creation import declaration_assign_secretariat
from .interchange import parse
from .models import Declaration
from .services.lifecycle import (
    declaration_add_party,
    declaration_grant_observer,
    declaration_grant_secretariat,
    declaration_import,
    version_publish,
)

DATA_DIR = Path(__file__).resolve().parent.parent
MANIFESTO_FILE = DATA_DIR / "declarations" / "data" / "deta-trustworthy-ai-manifesto.json"
MEMBERS_FILE = DATA_DIR / "signatories" / "data" / "deta-members.json"
MANIFESTO_SLUG = "deta-trustworthy-ai-manifesto"
DEMO_SECRETARIAT = "DETA Secretariat"
DEMO_PASSWORD = "accord-demo"  # noqa: S105 - demo only, created only with DEBUG on
DEMO_PARTIES = ["gyeonggi", "catalonia", "kyoto", "occitanie"]
ROLE_SUFFIX = {
    "reviewer": Membership.Role.REVIEWER,
    "focal": Membership.Role.FOCAL_POINT,
    "signatory": Membership.Role.SIGNATORY,
}
OUTSIDER_PARTY = {
    "key": "demo-outsider-region",
    "name": {"en": "Demo Outsider Region", "ko": "데모 외부 지역"},
    "short_name": "Outsider Region",
    "country": "",
    "kind": "regional government",
    "note": "Not a DETA member: shows that outsiders cannot see the manifesto.",
}


@dataclass
class DemoLogin:
    username: str
    role: str


def demo_logins() -> list[DemoLogin]:
    logins = [DemoLogin("secretariat", "DETA secretariat (edits, runs rounds and signing)")]
    for key in DEMO_PARTIES:
        logins += [
            DemoLogin(f"{key}.reviewer", f"{key}: reviewer"),
            DemoLogin(f"{key}.focal", f"{key}: focal point"),
            DemoLogin(f"{key}.signatory", f"{key}: signatory"),
        ]
    logins += [
        DemoLogin("observer", "observer (reads only)"),
        DemoLogin("outsider", "a party outside DETA (sees nothing)"),
    ]
    return logins


def _user(username: str, *, first: str, last: str, create: bool):  # type: ignore[no-untyped-def]
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None and create:
        user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.accord.invalid")
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def seed_demo(*, create_users: bool, secretariat_member: bool = False) -> Declaration:
    """Load the DETA data and demo users; running it again changes nothing.

    With `secretariat_member` (what `make run` asks for) the `secretariat` login is also a member of
    the DETA Secretariat organisation, so it can create declarations and keep the party directory.
    Tests leave it out: they withdraw the login's own grant and expect it to go.
    """
    members = json.loads(MEMBERS_FILE.read_text(encoding="utf-8"))
    parties = {p["key"]: party_upsert(data=p, by=None) for p in members["parties"]}
    outsider_party = party_upsert(data=OUTSIDER_PARTY, by=None)

    declaration = Declaration.objects.filter(slug=MANIFESTO_SLUG).first()
    if declaration is None:
        declaration = declaration_import(data=parse(MANIFESTO_FILE.read_bytes()), by=None, slug=MANIFESTO_SLUG)
    for party in parties.values():
        declaration_add_party(declaration=declaration, party=party, by=None)
    organisation = Secretariat.objects.filter(name=DEMO_SECRETARIAT).first() or secretariat_create(
        name=DEMO_SECRETARIAT, by=None
    )
    if declaration.secretariat_id is None:
        declaration_assign_secretariat(declaration=declaration, secretariat=organisation, by=None)
    if not declaration.versions.exists():
        version_publish(declaration=declaration, label="Draft 28/08/2024", note="", by=None)

    secretariat = _user("secretariat", first="DETA", last="Secretariat", create=create_users)
    if secretariat is not None:
        # No global permission and no admin: the secretariat works through the per-declaration loader
        # (decision 53). Rights come only from declaration_grant_secretariat.
        # The demo login keeps its own per-declaration grant (tests withdraw it); it is not made a
        # member of the organisation, whose group holds the same rights on the manifesto.
        declaration_grant_secretariat(declaration=declaration, user=secretariat, by=None)
        if secretariat_member and not is_secretariat_member(secretariat, organisation):
            secretariat_add_member(secretariat=organisation, user=secretariat, by=None)
    for key in DEMO_PARTIES:
        party = parties[key]
        for suffix, role in ROLE_SUFFIX.items():
            user = _user(f"{key}.{suffix}", first=party.short_name, last=str(role.label), create=create_users)
            if user is not None:
                membership_add(user=user, party=party, role=role, by=None)
    observer = _user("observer", first="UN", last="Observer", create=create_users)
    if observer is not None:
        declaration_grant_observer(declaration=declaration, user=observer, by=None)
    outsider = _user("outsider", first="Outsider", last="Reviewer", create=create_users)
    if outsider is not None:
        membership_add(user=outsider, party=outsider_party, role=Membership.Role.REVIEWER, by=None)
    return declaration


def party_by_key(key: str) -> Party:
    return Party.objects.get(key=key)
