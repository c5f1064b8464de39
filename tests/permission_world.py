"""A world for the permission matrix: the demo with a round, comments, a signing and signatures,
plus a second declaration whose objects must never be reachable through the first one's URLs."""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.utils import timezone

from consultations import services as rounds
from consultations.models import Comment, CommentRound
from declarations.demo import MANIFESTO_FILE, seed_demo
from declarations.interchange import parse
from declarations.models import Clause, Declaration
from declarations.services import (
    declaration_add_party,
    declaration_grant_secretariat,
    declaration_import,
    version_publish,
)
from documents import services as pdfs
from documents.models import ExportJob, IssuedDocument
from documents.sealing import generate_dev_certificate
from signatories.models import Party
from signing.models import Signature
from signing.tests import signing_helpers as signing

ROLES = {
    "anonymous": None,
    "outsider": "outsider",
    "reviewer": "gyeonggi.reviewer",
    "focal": "gyeonggi.focal",
    "signatory": "gyeonggi.signatory",
    "other_reviewer": "catalonia.reviewer",
    "other_focal": "catalonia.focal",
    "other_signatory": "catalonia.signatory",
    "observer": "observer",
    "secretariat": "secretariat",
    "admin": "siteadmin",
}
# Checked against the admin's URLs only (tests/test_permission_matrix.py), not in the app's table.
STAFF_ROLES = {"backoffice": "backoffice"}


@dataclass
class World:
    declaration: Declaration
    other: Declaration
    round: CommentRound
    other_round: CommentRound
    submitted: Comment  # Gyeonggi's, submitted
    draft: Comment  # Gyeonggi's, still a draft
    other_party_comment: Comment  # Catalonia's, submitted
    foreign_comment: Comment  # a comment in the other declaration
    signature: Signature  # Gyeonggi's drawn signature
    paper: Signature  # Kyoto's paper signature with a scan
    foreign_signature: Signature
    job: ExportJob  # Gyeonggi's reviewer asked for a draft PDF
    document: IssuedDocument


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def build_world() -> World:
    """Everything the matrix needs; built once per test class."""
    declaration = seed_demo(create_users=True)
    get_user_model().objects.create_superuser("siteadmin", "admin@demo.accord.invalid", "accord-demo")
    # Staff holding every global permission: what the demo's back office group once handed out.
    backoffice = get_user_model().objects.create_user("backoffice", "bo@demo.accord.invalid", "accord-demo")
    backoffice.is_staff = True
    backoffice.save(update_fields=["is_staff"])
    backoffice.user_permissions.set(Permission.objects.all())
    now = timezone.now()
    deadline = now + datetime.timedelta(days=14)
    parties = list(Party.objects.filter(key__in=["gyeonggi", "catalonia", "kyoto", "occitanie"]))
    rnd = rounds.round_open(
        declaration=declaration,
        version=declaration.versions.get(number=1),
        deadline=deadline,
        parties=parties,
        by=user("secretariat"),
    )
    gyeonggi = Party.objects.get(key="gyeonggi")
    catalonia = Party.objects.get(key="catalonia")
    clause = Clause.objects.get(declaration=declaration, key="recommendation-5")
    rounds.comment_create(
        round=rnd,
        party=gyeonggi,
        kind="general",
        language="en",
        text="Gyeonggi's submitted view.",
        by=user("gyeonggi.reviewer"),
    )
    rounds.party_submit(round=rnd, party=gyeonggi, by=user("gyeonggi.focal"))
    submitted = Comment.objects.get(round=rnd, party=gyeonggi)
    draft = rounds.comment_create(
        round=rnd,
        party=gyeonggi,
        kind="substantive",
        language="en",
        text="Gyeonggi's private draft.",
        clause=clause,
        by=user("gyeonggi.reviewer"),
    )
    rounds.comment_create(
        round=rnd,
        party=catalonia,
        kind="general",
        language="en",
        text="Catalonia's view.",
        by=user("catalonia.reviewer"),
    )
    rounds.party_submit(round=rnd, party=catalonia, by=user("catalonia.focal"))
    other_party_comment = Comment.objects.get(round=rnd, party=catalonia)

    sign = signing.open_signing(declaration)
    signing.designate(sign, "gyeonggi")
    signature = signing.sign(sign, "gyeonggi")
    paper = signing.record_paper(sign, "kyoto")

    # A second declaration in which Gyeonggi does not take part.
    other = declaration_import(data=parse(MANIFESTO_FILE.read_bytes()), by=None, slug="second-declaration")
    declaration_add_party(declaration=other, party=catalonia, by=None)
    declaration_grant_secretariat(declaration=other, user=user("secretariat"), by=None)
    version_publish(declaration=other, label="Draft 1", by=user("secretariat"))
    other_round = rounds.round_open(
        declaration=other,
        version=other.versions.get(number=1),
        deadline=deadline,
        parties=[catalonia],
        by=user("secretariat"),
    )
    rounds.comment_create(
        round=other_round,
        party=catalonia,
        kind="general",
        language="en",
        text="Elsewhere.",
        by=user("catalonia.reviewer"),
    )
    rounds.party_submit(round=other_round, party=catalonia, by=user("catalonia.focal"))
    foreign_comment = Comment.objects.get(round=other_round)
    other_sign = signing.open_signing(other, ["catalonia"])
    signing.designate(other_sign, "catalonia")
    foreign_signature = signing.sign(other_sign, "catalonia")
    with tempfile.TemporaryDirectory() as seal_dir:
        key, cert = generate_dev_certificate(Path(seal_dir))
        with override_settings(
            ACCORD_SEAL_KEY_FILE=str(key), ACCORD_SEAL_CERT_FILE=str(cert), ACCORD_SEAL_PKCS12_FILE=""
        ):
            job = pdfs.export_request(
                declaration=declaration,
                version=declaration.versions.get(number=1),
                kind="draft",
                languages=["en"],
                layout=None,
                by=user("gyeonggi.reviewer"),
            )
            pdfs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    if job.status != ExportJob.Status.READY:
        raise RuntimeError(f"The world's PDF export failed: {job.error}")
    document = IssuedDocument.objects.get(declaration=declaration)
    return World(
        job=job,
        document=document,
        declaration=declaration,
        other=other,
        round=rnd,
        other_round=other_round,
        submitted=submitted,
        draft=draft,
        other_party_comment=other_party_comment,
        foreign_comment=foreign_comment,
        signature=signature,
        paper=paper,
        foreign_signature=foreign_signature,
    )
