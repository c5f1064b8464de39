"""SITE_URL is the one address of the site: e-mail links and the verify link sealed into PDFs use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from declarations.models import Declaration
from documents.selectors import verify_url
from signing.tests.signing_helpers import designate, open_signing

pytestmark = pytest.mark.django_db

SITE = "https://accord.example.org:9443"


def test_verify_link_for_pdfs_comes_from_site_url(settings: Any) -> None:
    """The verification link printed and QR-coded into PDFs is SITE_URL + /verify/."""
    settings.SITE_URL = SITE
    assert verify_url() == f"{SITE}/verify/"


def test_email_links_come_from_site_url(demo: Declaration, settings: Any, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """A signing reminder links to the sign page at SITE_URL, not to a default host or port."""
    settings.SITE_URL = SITE
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_signing_reminders")
    to_gyeonggi = next(m for m in mail.outbox if m.to == ["gyeonggi.signatory@demo.accord.invalid"])
    assert f"{SITE}/d/{demo.slug}/signing/party/gyeonggi/" in to_gyeonggi.body
    assert "127.0.0.1" not in to_gyeonggi.body
