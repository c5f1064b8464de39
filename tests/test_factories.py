"""The factories make what the services make: real groups, memberships and per-declaration rights."""

from __future__ import annotations

import pytest
from django.test import Client

from consultations.models import Comment, RoundInvitation
from consultations.tests.factories import CommentFactory, CommentRoundFactory
from declarations.models import ClauseText
from declarations.permissions import declaration_perms
from declarations.tests.factories import ClauseFactory, DeclarationFactory, SectionFactory
from signatories.models import Membership
from signatories.tests.factories import PASSWORD, PartyFactory, SecretariatFactory, UserFactory, member

pytestmark = pytest.mark.django_db
VIEW, EDIT, COMMENT = "view_declaration", "edit_declaration", "comment_declaration"


def test_a_member_acts_for_the_party_through_its_group() -> None:
    """member() makes a user with the role, in the party's group; the password logs in."""
    party = PartyFactory.create()
    reviewer = member(party, Membership.Role.REVIEWER)
    assert Membership.objects.get(user=reviewer).party == party
    assert reviewer.groups.filter(pk=party.group_id).exists()
    assert Client().login(username=reviewer.username, password=PASSWORD)


def test_a_declaration_grants_rights_only_through_the_services() -> None:
    """Participants read and comment, editors edit, observers read, the secretariat's members edit; others nothing."""
    party, clerk, guest, stranger, colleague = (
        PartyFactory.create(),
        UserFactory.create(),
        UserFactory.create(),
        UserFactory.create(),
        UserFactory.create(),
    )
    organisation = SecretariatFactory.create(members=[colleague])
    declaration = DeclarationFactory.create(
        parties=[party], editors=[clerk], observers=[guest], secretariat=organisation, sections=3, clauses=2
    )
    assert declaration_perms(member(party), declaration) == {VIEW, COMMENT}
    assert declaration_perms(clerk, declaration) == {VIEW, EDIT, COMMENT}
    assert declaration_perms(colleague, declaration) == {VIEW, EDIT, COMMENT}
    assert declaration_perms(guest, declaration) == {VIEW}
    assert declaration_perms(stranger, declaration) == frozenset()
    assert declaration.clauses.count() == 6
    assert ClauseText.objects.filter(clause__declaration=declaration).count() == 12  # English and Korean
    assert declaration.versions.get().number == 1


def test_one_more_clause_lands_at_the_end_of_its_section() -> None:
    """ClauseFactory adds a clause with its texts after the section's last one."""
    declaration = DeclarationFactory.create(clauses=2)
    section = declaration.sections.order_by("position").first()
    clause = ClauseFactory.create(section=section, texts={"en": "One more.", "ko": "하나 더."})
    assert clause.declaration == declaration and clause.position == 2
    assert set(clause.texts.values_list("language", flat=True)) == {"en", "ko"}
    assert SectionFactory.create(declaration=declaration).position == 2


def test_a_round_invites_every_participant_and_comments_are_the_partys() -> None:
    """A round invites the declaration's parties; a submitted comment is numbered and submitted."""
    rnd = CommentRoundFactory.create()
    assert RoundInvitation.objects.filter(round=rnd).count() == 2
    draft = CommentFactory.create(round=rnd)
    submitted = CommentFactory.create(round=rnd, submitted=True)
    draft.refresh_from_db()
    assert draft.status == Comment.Status.SUBMITTED  # the focal point submits the party's drafts together
    assert submitted.status == Comment.Status.SUBMITTED and submitted.number is not None
    assert draft.author.memberships.get().role == Membership.Role.REVIEWER
