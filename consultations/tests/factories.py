"""Factories for comment rounds and comments, written through the consultation services.

`CommentRoundFactory.create()` opens a round (`round_open`, which makes the `RoundInvitation`s) on a new
declaration with two participating parties, opened by someone with the secretariat's rights on it.
`CommentFactory.create(round=rnd, party=p)` drafts a comment as the party's reviewer (`comment_create`);
`submitted=True` has its focal point submit it (`party_submit`). Pass `now=` to both when the test
freezes the clock: a round opened in 2030 is not open today.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from consultations.models import Comment, CommentRound
from consultations.services import comment_create, party_submit, round_open
from declarations.models import Declaration
from declarations.services import declaration_grant_secretariat
from declarations.tests.factories import DeclarationFactory
from signatories.models import Membership
from signatories.tests.factories import PartyFactory, UserFactory, holder


def editor(declaration: Declaration) -> Any:
    """A new person with the secretariat's rights on this declaration only."""
    user = UserFactory.create()
    declaration_grant_secretariat(declaration=declaration, user=user, by=None)
    return user


class CommentRoundFactory(factory.Factory[CommentRound]):
    """An open round on the declaration's latest version, due in two weeks, every participant invited."""

    class Meta:
        model = CommentRound

    declaration = factory.SubFactory(
        DeclarationFactory, parties=factory.LazyFunction(lambda: PartyFactory.create_batch(2))
    )
    version = factory.LazyAttribute(lambda o: o.declaration.versions.order_by("-number").first())
    now = None
    deadline = factory.LazyAttribute(lambda o: (o.now or timezone.now()) + datetime.timedelta(days=14))
    visibility = CommentRound.Visibility.IMMEDIATE
    parties = None  # None: every participating party
    instructions = ""
    by = factory.LazyAttribute(lambda o: editor(o.declaration))

    @classmethod
    def _create(cls, model_class: type[CommentRound], **kwargs: Any) -> CommentRound:
        return round_open(**kwargs)


class CommentFactory(factory.Factory[Comment]):
    """A general comment in English, drafted by the party's reviewer; `submitted=True` submits it."""

    class Meta:
        model = Comment

    round = factory.SubFactory(CommentRoundFactory)
    party = factory.LazyAttribute(lambda o: o.round.invitations.order_by("pk").first().party)
    by = factory.LazyAttribute(lambda o: holder(o.party, Membership.Role.REVIEWER))
    kind = Comment.Kind.GENERAL
    language = "en"
    text = factory.Sequence(lambda n: f"General remark number {n}.")
    now = None
    submitted = False

    @classmethod
    def _create(cls, model_class: type[Comment], *, submitted: bool, **kwargs: Any) -> Comment:
        comment = comment_create(**kwargs)
        if submitted:
            focal = holder(kwargs["party"], Membership.Role.FOCAL_POINT)
            party_submit(round=kwargs["round"], party=kwargs["party"], by=focal, now=kwargs["now"])
            comment.refresh_from_db()
        return comment
