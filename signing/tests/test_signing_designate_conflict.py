"""Two focal points designating for one party at once: the second is told, nothing is silently replaced."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from declarations.models import Declaration
from signatories.models import Membership, Party
from signatories.services import membership_add
from signing import services

from .signing_helpers import designate, open_signing, signing_party, user

pytestmark = pytest.mark.django_db


def test_a_designation_made_against_an_older_one_is_refused(demo: Declaration) -> None:
    """The service refuses a form made before the current designation (DesignationConflict names it)."""
    signing = open_signing(demo)
    stale = services.designation_stamp(signing_party(signing, "occitanie"))
    designate(signing, "occitanie")
    with pytest.raises(services.DesignationConflict, match=r"occitanie.focal designated Marie Dupont"):
        services.signatory_designate(
            signing_party=signing_party(signing, "occitanie"),
            user=user("occitanie.signatory"),
            printed_name="Someone Else",
            printed_title="Envoy",
            seen_designation=stale,
            by=user("occitanie.focal"),
        )
    assert signing_party(signing, "occitanie").printed_name == "Marie Dupont"


def test_the_form_answers_409_and_shows_the_other_designation(user_client: Any, demo: Declaration) -> None:
    """Focal point B's form was loaded before A saved: 409 with A's choice; sent again, B's choice stands."""
    signing = open_signing(demo)
    second = get_user_model().objects.create_user("occitanie.focal2")
    membership_add(user=second, party=Party.objects.get(key="occitanie"), role=Membership.Role.FOCAL_POINT, by=None)
    url = f"/d/{demo.slug}/signing/party/occitanie/designate/"
    client_b = user_client("occitanie.focal2")
    seen = re.search(r'name="seen_designation"(?: value="([^"]*)")?', client_b.get(url).content.decode())
    assert seen is not None
    designate(signing, "occitanie")
    membership = Membership.objects.get(user__username="occitanie.signatory", role="signatory")
    form = {"signatory": membership.pk, "printed_name": "Jean Martin", "printed_title": "President"}
    response = client_b.post(url, {**form, "seen_designation": seen.group(1) or ""})
    assert response.status_code == 409
    assert (
        "designated Marie Dupont (occitanie.signatory) while you were filling in the form" in response.content.decode()
    )
    assert signing_party(signing, "occitanie").printed_name == "Marie Dupont"
    fresh = re.search(r'name="seen_designation" value="([^"]*)"', response.content.decode())
    assert fresh is not None and fresh.group(1) != (seen.group(1) or "")
    assert client_b.post(url, {**form, "seen_designation": fresh.group(1)}).status_code == 302
    assert signing_party(signing, "occitanie").printed_name == "Jean Martin"
