"""Invitations: e-mailed, single-use, expiring links; re-send, revoke, existing accounts, bulk CSV."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from signatories.models import AccountSettings, Invitation, Membership
from signatories.people import PeopleError, invitation_accept, invitation_create, invitation_revoke
from signatories.services import membership_add

from .people_factories import PASSWORD, link_in, make_party, make_secretariat, make_user

pytestmark = pytest.mark.django_db(transaction=True)  # e-mails are sent on commit


def _accept(link: str, client: Client | None = None, **extra: str):  # type: ignore[no-untyped-def]
    client = client or Client()
    data = {"first_name": "Anne", "last_name": "Kerouac", "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client, client.post(link, data)


def test_an_invitation_lets_a_new_person_choose_a_password_once() -> None:
    """The link creates the account, adds the role, logs in; a second use is refused; only a hash is stored."""
    _secretariat, member = make_secretariat()
    party = make_party()
    invitation_create(email="Anne@Bretagne.example", party=party, role="focal_point", language="en", by=member)
    message = mail.outbox[-1]
    assert message.to == ["Anne@bretagne.example"]
    assert f"{settings.SITE_URL}/invite/" in message.body and "Focal point" in message.subject
    link = link_in(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash=token).exists()  # the token itself is never stored
    client, response = _accept(link)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="Anne@bretagne.example")
    assert user.check_password(PASSWORD) and user.get_full_name() == "Anne Kerouac"
    assert Membership.objects.filter(user=user, party=party, role="focal_point").exists()
    assert client.get(reverse("signing:home")).status_code == 200  # logged in
    again = Client().get(link)
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_an_expired_or_revoked_link_does_not_work_and_creates_nothing() -> None:
    """Expired: a clear page, no account. Revoked: the same."""
    _secretariat, member = make_secretariat()
    party = make_party()
    invitation = invitation_create(email="late@example.org", party=party, role="signatory", by=member)
    link = link_in(mail.outbox[-1])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    _client, response = _accept(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    invitation2 = invitation_create(email="gone@example.org", party=party, role="signatory", by=member)
    link2 = link_in(mail.outbox[-1])
    invitation_revoke(invitation=invitation2, by=member)
    _client, response = _accept(link2)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert not get_user_model().objects.filter(email__in=["late@example.org", "gone@example.org"]).exists()


def test_resend_replaces_the_link() -> None:
    """After re-sending, the first link is dead and the new one works."""
    secretariat, member = make_secretariat()
    invitation = invitation_create(email="new@example.org", secretariat=secretariat, by=member)
    first = link_in(mail.outbox[-1])
    client = Client()
    client.force_login(member)
    client.post(reverse("signatories:invitation_resend", args=[invitation.pk]))
    second = link_in(mail.outbox[-1])
    assert first != second
    assert Client().get(first).status_code == 410
    _client, response = _accept(second)
    assert response.status_code == 302
    assert get_user_model().objects.get(email="new@example.org").groups.filter(pk=secretariat.group.pk).exists()


def test_an_address_with_an_account_must_log_in_to_accept() -> None:
    """Decision 64: the role is attached to the existing account only when its owner is logged in."""
    _secretariat, member = make_secretariat()
    party = make_party()
    existing = make_user("anne", email="anne@example.org")
    invitation_create(email="ANNE@example.org", party=party, role="reviewer", by=member)
    message = mail.outbox[-1]
    assert "already have an account" in message.body
    link = link_in(message)
    page = Client().get(link).content.decode()
    assert "already has an account" in page and 'name="password1"' not in page
    with pytest.raises(PeopleError, match="already has an account"):
        invitation_accept(token=link.split("/")[2], by=make_user("someone"), password="x")
    client = Client()
    client.force_login(existing)
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user=existing, party=party, role="reviewer").exists()
    assert get_user_model().objects.filter(email__iexact="anne@example.org").count() == 1


def test_duplicates_bad_addresses_and_deactivated_accounts_are_refused() -> None:
    """A second pending invitation, a non-address and a deactivated account each get a clear message."""
    secretariat, member = make_secretariat()
    invitation_create(email="x@example.org", secretariat=secretariat, by=member)
    with pytest.raises(PeopleError, match="re-send"):
        invitation_create(email="X@example.org", secretariat=secretariat, by=member)
    with pytest.raises(PeopleError, match="not an e-mail address"):
        invitation_create(email="not an address", secretariat=secretariat, by=member)
    gone = make_user("gone", email="gone@example.org")
    gone.is_active = False
    gone.save()
    with pytest.raises(PeopleError, match="deactivated"):
        invitation_create(email="gone@example.org", secretariat=secretariat, by=member)
    with pytest.raises(PeopleError, match="may not"):
        invitation_create(email="y@example.org", secretariat=secretariat, by=make_user("outsider"))


def test_a_weak_password_is_refused_and_nothing_is_created() -> None:
    """The site's password rules apply; the invitation stays usable."""
    secretariat, member = make_secretariat()
    invitation_create(email="weak@example.org", secretariat=secretariat, by=member)
    link = link_in(mail.outbox[-1])
    _client, response = _accept(link, password1="short", password2="short")
    assert response.status_code == 200 and "too short" in response.content.decode()
    assert not get_user_model().objects.filter(email="weak@example.org").exists()
    assert _accept(link)[1].status_code == 302


def test_the_invitation_is_written_in_its_language_and_sets_the_account_language() -> None:
    """An invitation in Korean arrives in Korean; the new account's language is Korean."""
    secretariat, member = make_secretariat()
    invitation_create(email="kim@example.org", secretariat=secretariat, language="ko", by=member)
    message = mail.outbox[-1]
    assert "초대" in message.subject
    _accept(link_in(message))
    assert AccountSettings.objects.get(user__email="kim@example.org").language == "ko"


def test_bulk_invitations_from_csv_all_or_nothing() -> None:
    """A CSV with one bad row sends nothing and names the line; a correct one sends every invitation."""
    secretariat, member = make_secretariat()
    make_party("bretagne")
    client = Client()
    client.force_login(member)
    url = reverse("signatories:secretariat_bulk_invite", args=[secretariat.slug])
    bad = b"email;party;role;language\na@example.org;bretagne;signatory;fr\nb@example.org;nowhere;reviewer;en\n"
    bad_file = __import__("io").BytesIO(bad)
    bad_file.name = "people.csv"
    response = client.post(url, {"file": bad_file}, follow=True)
    assert "line 3" in response.content.decode() and "nowhere" in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox
    good = b"\xef\xbb\xbfemail,party,role,language\na@example.org,bretagne,signatory,ko\nc@example.org,,,en\n"
    good_file = __import__("io").BytesIO(good)
    good_file.name = "people.csv"
    client.post(url, {"file": good_file})
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2
    assert Invitation.objects.get(email="c@example.org").secretariat == secretariat


def test_deactivating_a_person_keeps_their_history() -> None:
    """A deactivated person cannot log in; their account and memberships stay on the record."""
    _secretariat, member = make_secretariat()
    party = make_party()
    person = make_user("signer")
    membership_add(user=person, party=party, role="signatory", by=None)
    client = Client()
    client.force_login(member)
    client.post(reverse("signatories:person_deactivate", args=[person.pk]))
    person.refresh_from_db()
    assert not person.is_active
    assert Membership.objects.filter(user=person).exists()
    assert not Client().login(username="signer", password=PASSWORD)
    outsider = make_user("outsider")
    other = Client()
    other.force_login(outsider)
    assert other.post(reverse("signatories:person_deactivate", args=[member.pk])).status_code == 404
