"""Factories for people and parties: users, parties, memberships, secretariats, written through the services.

Each factory's `_create` calls the service a user's action would call, so groups and memberships are
the real ones. `UserFactory.create()` is a person with no role; `MembershipFactory.create(party=p, role=...)` gives
one a role in a party; `member(party, role)` is the short form most tests want.
"""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from signatories.models import Membership, Party, Secretariat
from signatories.people import secretariat_add_member, secretariat_create
from signatories.services import membership_add, party_upsert

PASSWORD = "a long test password 42"


class UserFactory(factory.django.DjangoModelFactory[Any]):
    """A person who can log in, with no party and no rights."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Sequence(lambda n: f"Person {n}")
    last_name = "Tester"
    password = factory.django.Password(PASSWORD)


class PartyFactory(factory.Factory[Party]):
    """A party in the directory (a regional government unless told), made by `party_upsert`."""

    class Meta:
        model = Party

    key = factory.Sequence(lambda n: f"region-{n}")
    name = factory.LazyAttribute(lambda o: {"en": f"Region {o.key}", "ko": f"지역 {o.key}"})
    short_name = factory.LazyAttribute(lambda o: f"Region {o.key}")
    kind = Party.Kind.REGIONAL
    country = ""

    @classmethod
    def _create(cls, model_class: type[Party], **data: Any) -> Party:
        return party_upsert(data=data, by=None)


class MembershipFactory(factory.Factory[Membership]):
    """A person acting for a party in a role (reviewer unless told), made by `membership_add`."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    party = factory.SubFactory(PartyFactory)
    role = Membership.Role.REVIEWER

    @classmethod
    def _create(cls, model_class: type[Membership], **kwargs: Any) -> Membership:
        return membership_add(by=None, **kwargs)


def member(party: Party, role: str = Membership.Role.REVIEWER, **user: Any) -> Any:
    """A new user with `role` in `party` (username etc. as keywords)."""
    return MembershipFactory.create(party=party, role=role, user=UserFactory.create(**user)).user


def holder(party: Party, role: str) -> Any:
    """The party's first member in `role`, made if it has none (a default for factories that act for a party)."""
    membership = Membership.objects.filter(party=party, role=role).order_by("pk").first()
    return membership.user if membership else member(party, role)


class SecretariatFactory(factory.Factory[Secretariat]):
    """A secretariat organisation, made by `secretariat_create`; `members=[users]` joins people to it."""

    class Meta:
        model = Secretariat

    name = factory.Sequence(lambda n: f"Regional Alliance {n}")

    @classmethod
    def _create(cls, model_class: type[Secretariat], **kwargs: Any) -> Secretariat:
        return secretariat_create(by=None, **kwargs)

    @factory.post_generation
    def members(self, create: bool, extracted: list[Any] | None, **kwargs: Any) -> None:
        for user in extracted or []:
            secretariat_add_member(secretariat=self, user=user, by=None)  # type: ignore[arg-type]
