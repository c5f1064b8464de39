"""Offline signatures cannot be dated before the version's publication or in the future (issue 21, part 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from declarations.models import Declaration
from signing import services
from signing.models import Signature, SigningEvent
from signing.services import SigningError

from .signing_helpers import open_signing, signing_party, user

pytestmark = pytest.mark.django_db


def _record(signing, when: datetime) -> Signature:  # type: ignore[no-untyped-def]
    return services.signature_record_offline(
        signing_party=signing_party(signing, "kyoto"),
        method=Signature.Method.IN_PERSON,
        printed_name="Sato Yuki",
        printed_title="Vice-Governor",
        signed_at=when,
        scan=None,
        by=user("secretariat"),
    )


def test_a_date_before_the_publication_is_refused_and_nothing_recorded(demo: Declaration) -> None:
    """The issue's case: dated 2023 on a version published later. The message names the publication."""
    signing = open_signing(demo)
    events = SigningEvent.objects.filter(declaration=demo).count()
    published = signing.version.published_at.astimezone(UTC)
    with pytest.raises(SigningError, match=f"published on {published:%Y-%m-%d %H:%M} UTC"):
        _record(signing, datetime(2023, 5, 4, 10, 0, tzinfo=UTC))
    assert not Signature.objects.exists()
    assert SigningEvent.objects.filter(declaration=demo).count() == events


def test_a_date_in_the_future_is_refused(demo: Declaration) -> None:
    signing = open_signing(demo)
    with pytest.raises(SigningError, match="in the future"):
        _record(signing, timezone.now() + timedelta(days=1))
    assert not Signature.objects.exists()


def test_the_minute_of_publication_is_accepted(demo: Declaration) -> None:
    """The form has minute precision: a signature in the minute of publication stands."""
    signing = open_signing(demo)
    minute = signing.version.published_at.replace(second=0, microsecond=0)
    assert _record(signing, minute).signed_at == minute


def test_the_page_shows_the_reason_and_records_nothing(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    open_signing(demo)
    response = user_client("secretariat").post(
        f"/d/{demo.slug}/signing/party/kyoto/record/",
        {
            "method": "in_person",
            "printed_name": "Sato Yuki",
            "printed_title": "Vice-Governor",
            "signed_at": "2023-05-04T10:00",
        },
    )
    assert response.status_code == 200
    assert "cannot be dated before the text it signs was published" in response.content.decode()
    assert not Signature.objects.exists()
