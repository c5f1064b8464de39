"""Hardening visible from the outside: content security policy, login throttling, headers."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.tests.reading import read_declaration


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(user_client: Any) -> None:
    """Pages send a CSP that allows only our own scripts (nonces where a page needs one), never unsafe-inline."""
    response = user_client("gyeonggi.reviewer").get(reverse("declarations:detail", args=[MANIFESTO_SLUG]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_no_inline_event_handlers_or_scripts_in_pages(user_client: Any) -> None:
    """No page of the main journey carries an inline handler or an inline script without a nonce."""
    client = user_client("secretariat")
    for url in [
        "/",
        reverse("declarations:detail", args=[MANIFESTO_SLUG]),
        reverse("declarations:versions", args=[MANIFESTO_SLUG]),
        reverse("consultations:rounds", args=[MANIFESTO_SLUG]),
        reverse("documents:verify"),
    ]:
        body = client.get(url).content.decode()
        if url == reverse("declarations:detail", args=[MANIFESTO_SLUG]):
            body += read_declaration(client, url).content.decode()
        for handler in (" onclick=", " onload=", " onchange=", " onsubmit=", "javascript:"):
            assert handler not in body, (url, handler)
        assert "<script>" not in body, url


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_login_with_a_clear_message(client: Any, demo: Any, settings: Any) -> None:
    """The fifth wrong password locks the login; then even the right password gets the locked-out page."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    url = reverse("login")
    for _ in range(4):
        response = client.post(url, {"username": "gyeonggi.focal", "password": "wrong-password"})
        assert response.status_code == 200
    assert client.post(url, {"username": "gyeonggi.focal", "password": "wrong-password"}).status_code == 429
    response = client.post(url, {"username": "gyeonggi.focal", "password": "accord-demo"})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_weak_passwords_are_refused(demo: Any) -> None:
    """The password validators refuse short, common and numeric passwords."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = get_user_model().objects.get(username="gyeonggi.focal")
    for weak in ["short", "password123", "12345678901", "gyeonggi.focal"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)
