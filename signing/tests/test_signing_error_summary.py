"""A sign or decline form that comes back opens on a summary of its errors, at the top of the form."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from declarations.models import Declaration
from signing.models import Signature

from .signing_helpers import designate, open_signing

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing(demo: Declaration) -> Any:
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    return signing


def _summary(body: str) -> str:
    return body[body.index('<div class="error-summary"') :].split("</div>", 1)[0]


def test_a_failed_signature_opens_on_the_error_summary(signing: Any, user_client: Any) -> None:
    """Announced (role=alert), focused (autofocus), above the fields, each error linking to its field."""
    response = user_client("gyeonggi.signatory").post(
        f"/d/{signing.declaration.slug}/signing/party/gyeonggi/",
        {
            "content_hash": signing.version.content_hash,
            "idempotency_key": str(uuid.uuid4()),
            "password": "wrong",
            "typed_name": "Kim Min-ji",
            "method": "typed",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    summary = _summary(body)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert '<a href="#id_password">Your password</a>: The password is not correct.' in summary
    assert '<a href="#id_confirm">' in summary  # the undertaking was not confirmed either
    assert body.index('<div class="error-summary"') < body.index('name="method"')
    assert not Signature.objects.exists()


def test_a_decline_without_a_reason_opens_on_the_error_summary(signing: Any, user_client: Any) -> None:
    """The decline form comes back open, its summary naming the missing reason."""
    response = user_client("gyeonggi.signatory").post(
        f"/d/{signing.declaration.slug}/signing/party/gyeonggi/decline/",
        {
            "content_hash": signing.version.content_hash,
            "idempotency_key": str(uuid.uuid4()),
            "reason": "",
            "visibility": "public",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_reason">Why does your party decline?</a>' in _summary(body)
    assert body.index('<div class="error-summary"') < body.index('name="reason"')
    assert not Signature.objects.exists()
