"""The demo in the state where every main page has something to show: comments, two versions, signing.

Used by the accessibility and keyboard journeys: a round on version 1 with Gyeonggi's submitted comments
(one decided and applied, one awaiting a decision), Kyoto's withdrawn comment and Catalonia's draft;
version 2 carrying the applied change; signing opened on version 2 and reopened on version 3, where
Kyoto signed again (its first signature superseded), Occitanie declined with a public reason and
Gyeonggi and Catalonia are still to sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from consultations import services as rounds
from consultations.models import Comment, CommentRound
from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText, Declaration
from declarations.services import version_publish
from signatories.models import Party
from signing.models import Signing
from signing.tests.signing_helpers import (
    correct_clause,
    decline,
    designate,
    open_signing,
    publish_and_reopen,
    sign,
    user,
)

PROPOSAL_KEY = "recommendation-5"
COMMENT_KEY = "vision"


@dataclass(frozen=True)
class World:
    declaration: Declaration
    round: CommentRound
    decided: Comment  # Gyeonggi's applied proposal
    pending: Comment  # Gyeonggi's comment awaiting a decision
    signing: Signing | None


STALE_REASON = "The Korean text is checked by the translator before the summit."


def build_world(*, signing: bool = True) -> World:
    """Comments, a second version and (unless `signing` is False) signing open on it."""
    declaration = Declaration.objects.get(slug=MANIFESTO_SLUG)
    secretariat = user("secretariat")
    version_1 = declaration.versions.get(number=1)
    round_ = rounds.round_open(
        declaration=declaration,
        version=version_1,
        deadline=timezone.now() + timedelta(days=30),
        parties=list(Party.objects.filter(key__in=["gyeonggi", "catalonia", "kyoto", "occitanie"])),
        by=secretariat,
    )
    gyeonggi, catalonia = Party.objects.get(key="gyeonggi"), Party.objects.get(key="catalonia")
    proposal_clause = Clause.objects.get(declaration=declaration, key=PROPOSAL_KEY)
    base = ClauseText.objects.get(clause=proposal_clause, language="en").text
    proposal = rounds.comment_create(
        round=round_,
        party=gyeonggi,
        kind=Comment.Kind.PROPOSED_TEXT,
        language="en",
        text="A missing space.",
        proposed_text=base.replace("campaignsto", "campaigns to"),
        clause=proposal_clause,
        by=user("gyeonggi.reviewer"),
    )
    pending = rounds.comment_create(
        round=round_,
        party=gyeonggi,
        kind=Comment.Kind.SUBSTANTIVE,
        language="ko",
        text="비전에 지방정부의 역할을 더 분명히 밝혀 주십시오.",
        clause=Clause.objects.get(declaration=declaration, key=COMMENT_KEY),
        by=user("gyeonggi.reviewer"),
    )
    rounds.party_submit(round=round_, party=gyeonggi, by=user("gyeonggi.focal"))
    kyoto = Party.objects.get(key="kyoto")
    withdrawn = rounds.comment_create(
        round=round_,
        party=kyoto,
        kind=Comment.Kind.EDITORIAL,
        language="en",
        text="A typo in the title.",
        by=user("kyoto.reviewer"),
    )
    rounds.party_submit(round=round_, party=kyoto, by=user("kyoto.focal"))
    withdrawn.refresh_from_db()
    rounds.comment_withdraw(comment=withdrawn, reason="Our mistake: there is no typo.", by=user("kyoto.focal"))
    rounds.comment_create(
        round=round_,
        party=catalonia,
        kind=Comment.Kind.GENERAL,
        language="en",
        text="We support the manifesto as a whole.",
        by=user("catalonia.reviewer"),
    )
    proposal.refresh_from_db()
    decided = rounds.comment_dispose(
        comment=proposal, disposition=Comment.Disposition.ACCEPTED, reason="Agreed.", apply=True, by=secretariat
    )
    version_publish(declaration=declaration, label="Revised draft", note="One missing space.", by=secretariat)
    pending.refresh_from_db()
    opened = None
    if signing:
        # The accepted proposal flagged the Korean text out of date: signing goes ahead, confirmed (issue 21).
        opened = open_signing(declaration, stale_reason=STALE_REASON)
        for key in ("gyeonggi", "catalonia", "kyoto", "occitanie"):
            designate(opened, key)
        sign(opened, "kyoto")
        # Kyoto's first signature is superseded by a corrected version and given again on it.
        correct_clause(
            declaration, COMMENT_KEY, ClauseText.objects.get(clause__key=COMMENT_KEY, language="en").text + " Together."
        )
        publish_and_reopen(opened, label="Final text", stale_reason=STALE_REASON)
        sign(opened, "kyoto")
        decline(opened, "occitanie", "Our assembly votes on the text next month.", public=True)
    declaration.refresh_from_db()
    return World(declaration, round_, decided, pending, opened)


@dataclass(frozen=True)
class ClosedWorld:
    """Signing closed, adherences under way, invitations pending: the pages that come after the signing."""

    declaration: Declaration
    secretariat_slug: str
    invitations: dict[str, str]  # what the invitation is for → the path of its link


def _invitation_link(**invite: object) -> str:
    """Send an invitation and read its link back from the e-mail (the token is stored only as a hash)."""
    from django.core import mail

    from signatories.people import invitation_create
    from signatories.tests.people_factories import link_in

    mail.outbox.clear()
    invitation_create(by=user("secretariat"), language="en", **invite)  # type: ignore[arg-type]
    return link_in(mail.outbox[-1])


def build_closed_world() -> ClosedWorld:
    """`build_world`, then: signing closed; Gyeonggi (designated, not signed) invited to adhere; Occitanie
    (declined) invited and its adherence recorded as given in person, waiting for edition 2 of the signed PDF; the
    secretariat a member of the DETA Secretariat, with invitations pending for a new person and for an
    existing account."""
    from signatories.people import secretariat_add_member
    from signing.adherence import adherence_invite, adherence_record_offline
    from signing.models import Signature
    from signing.services import signing_close

    world = build_world()
    assert world.signing is not None
    secretariat = user("secretariat")
    signing = signing_close(signing=world.signing, by=secretariat)
    for key in ("gyeonggi", "occitanie"):
        adherence_invite(signing=signing, party=Party.objects.get(key=key), by=secretariat)
    signing.refresh_from_db()
    adherence_record_offline(
        signing_party=signing.parties.get(party__key="occitanie"),
        content_hash=signing.version.content_hash,
        method=Signature.Method.IN_PERSON,
        printed_name="Marie Dupont",
        printed_title="Vice-President",
        adhered_on=timezone.now().date(),
        scan=None,
        by=secretariat,
    )
    organisation = world.declaration.secretariat
    assert organisation is not None
    secretariat_add_member(secretariat=organisation, user=secretariat, by=None)
    gyeonggi = Party.objects.get(key="gyeonggi")
    invitations = {
        "secretariat": _invitation_link(email="new.colleague@example.org", secretariat=organisation),
        "new-person": _invitation_link(email="new.reviewer@example.org", party=gyeonggi, role="reviewer"),
        # An account that exists: its owner logs in and accepts; the link alone grants nothing.
        "existing-account": _invitation_link(
            email="gyeonggi.reviewer@demo.accord.invalid", party=gyeonggi, role="focal_point"
        ),
    }
    return ClosedWorld(Declaration.objects.get(pk=world.declaration.pk), organisation.slug, invitations)
