"""Secretariats as organisations: created by a superuser in the app, seen by their members only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from signatories.models import Secretariat

from .people_factories import make_secretariat, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_superuser_creates_a_secretariat_in_the_app() -> None:
    """The secretariats page creates one (no back office), and sends the superuser to invite a member."""
    admin = make_user("root", superuser=True)
    existing = list(Secretariat.objects.values_list("pk", flat=True))
    response = _client(admin).post(reverse("signatories:secretariats"), {"name": "  Baltic  Cities  Network "})
    secretariat = Secretariat.objects.exclude(pk__in=existing).get()
    assert secretariat.name == "Baltic Cities Network"
    assert response["Location"] == reverse("signatories:secretariat", args=[secretariat.slug])
    assert secretariat.group.name == f"secretariat:{secretariat.slug}"


def test_only_a_superuser_may_create_one_and_outsiders_get_404() -> None:
    """A member sees their secretariat but cannot create another; an outsider gets 404 on both pages."""
    secretariat, member = make_secretariat()
    outsider = make_user("stranger")
    count = Secretariat.objects.count()
    assert _client(member).post(reverse("signatories:secretariats"), {"name": "Mine"}).status_code == 404
    assert _client(outsider).get(reverse("signatories:secretariats")).status_code == 404
    assert _client(outsider).get(reverse("signatories:secretariat", args=[secretariat.slug])).status_code == 404
    assert _client(member).get(reverse("signatories:secretariat", args=[secretariat.slug])).status_code == 200
    assert Secretariat.objects.count() == count
