"""Every time on a page is in the reader's own zone and names it; without a setting, the secretariat's (issue 21, part 5)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client

from consultations.services import round_open
from declarations.models import Declaration
from signatories.models import AccountSettings, Party
from signatories.people import account_update
from signatories.time_zones import time_zone_of
from signing import services
from signing.models import Signing

from .signing_helpers import designate, user

pytestmark = pytest.mark.django_db

# 09:00 UTC is 18:00 in Seoul (KST, UTC+9) and 10:00 in Paris in winter (CET, UTC+1).
DEADLINE = datetime.datetime(2035, 3, 14, 9, 0, tzinfo=datetime.UTC)


def _in_seoul(username: str) -> None:
    person = user(username)
    account_update(user=person, language="en", time_zone="Asia/Seoul", by=person)


def _signing(demo: Declaration) -> Signing:
    signing = services.signing_open(
        declaration=demo,
        version=demo.versions.get(),
        parties=[Party.objects.get(key="gyeonggi")],
        deadline=DEADLINE,
        by=user("secretariat"),
    )
    designate(signing, "gyeonggi")
    return signing


def test_a_reader_in_seoul_sees_the_round_deadline_at_18_kst(user_client: Any, demo: Declaration) -> None:
    """The observed bug: a deadline of 18:00 Asia/Seoul showed as "9:00 AM" with no zone on the round page."""
    round_open(declaration=demo, version=demo.versions.get(), deadline=DEADLINE, by=user("secretariat"))
    _in_seoul("gyeonggi.focal")
    page = user_client("gyeonggi.focal").get(f"/d/{demo.slug}/rounds/1/").content.decode()
    assert "2035-03-14 18:00 KST" in page
    assert "09:00 UTC" not in page and "9:00 AM" not in page
    listing = user_client("gyeonggi.focal").get(f"/d/{demo.slug}/rounds/").content.decode()
    assert "2035-03-14 18:00 KST" in listing


def test_a_reader_in_seoul_sees_the_signing_deadline_at_18_kst(user_client: Any, demo: Declaration) -> None:
    """The signing board and the sign page say 18:00 KST, not UTC."""
    _signing(demo)
    _in_seoul("gyeonggi.signatory")
    client = user_client("gyeonggi.signatory")
    board = client.get(f"/d/{demo.slug}/signing/").content.decode()
    assert "2035-03-14 18:00 KST" in board and "UTC" not in board
    sign_page = client.get(f"/d/{demo.slug}/signing/party/gyeonggi/").content.decode()
    assert "2035-03-14 18:00 KST" in sign_page


def test_without_a_setting_times_are_in_the_secretariats_zone(
    user_client: Any, demo: Declaration, settings: Any
) -> None:
    """A reader who chose no zone reads the deployment's TIME_ZONE, named (here Paris: 10:00 CET)."""
    settings.TIME_ZONE = "Europe/Paris"
    _signing(demo)
    assert not AccountSettings.objects.filter(user=user("catalonia.focal")).exists()
    board = user_client("catalonia.focal").get(f"/d/{demo.slug}/signing/").content.decode()
    assert "2035-03-14 10:00 CET" in board


def test_a_changed_setting_applies_on_the_next_page(user_client: Any, demo: Declaration) -> None:
    """The cached zone is dropped when the account settings change."""
    _signing(demo)
    client = user_client("kyoto.focal")
    assert "2035-03-14 09:00 UTC" in client.get(f"/d/{demo.slug}/signing/").content.decode()
    response = client.post("/account/", {"form": "account", "language": "en", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert time_zone_of(user("kyoto.focal")) == "Asia/Tokyo"
    assert "2035-03-14 18:00 JST" in client.get(f"/d/{demo.slug}/signing/").content.decode()


def test_a_typed_deadline_is_read_in_the_readers_zone(user_client: Any, demo: Declaration) -> None:
    """The secretariat in Seoul types 18:00; the form names Asia/Seoul and 09:00 UTC is stored."""
    _in_seoul("secretariat")
    client = user_client("secretariat")
    form = client.get(f"/d/{demo.slug}/signing/open/").content.decode()
    assert "Deadline (Asia/Seoul)" in form
    response = client.post(
        f"/d/{demo.slug}/signing/open/",
        {
            "version": demo.versions.get().pk,
            "parties": [Party.objects.get(key="gyeonggi").pk],
            "deadline": "2035-03-14T18:00",
        },
    )
    assert response.status_code == 302
    assert Signing.objects.get(declaration=demo).deadline == DEADLINE


def test_anonymous_readers_get_the_secretariats_zone(settings: Any, django_assert_num_queries: Any) -> None:
    """No account, no query: TIME_ZONE is the zone; the public verification page renders with it."""
    settings.TIME_ZONE = "Asia/Seoul"
    with django_assert_num_queries(0):
        assert time_zone_of(AnonymousUser()) == "Asia/Seoul"
    assert Client().get("/verify/").status_code == 200


def test_e_mails_name_the_readers_zone(demo: Declaration, django_capture_on_commit_callbacks: Any) -> None:
    """The focal point in Seoul is asked to designate before 18:00 KST."""
    _in_seoul("gyeonggi.focal")
    with django_capture_on_commit_callbacks(execute=True):
        _signing(demo)
    body = next(m.body for m in mail.outbox if m.to == [user("gyeonggi.focal").email])
    assert "2035-03-14 18:00 KST" in body


def test_an_unknown_stored_zone_falls_back_to_the_secretariats(user_client: Any, demo: Declaration) -> None:
    """A zone that tzdata no longer knows never breaks a page."""
    _signing(demo)
    AccountSettings.objects.create(user=user("occitanie.focal"), time_zone="Mars/Olympus_Mons")
    board = user_client("occitanie.focal").get(f"/d/{demo.slug}/signing/").content.decode()
    assert "2035-03-14 09:00 UTC" in board
