"""Done-when journey of issue 20: a secretariat runs a real declaration from an empty database, in the browser.

Only a superuser exists at the start; the back office is never opened. Every e-mail on the way is
read from the outbox (locmem) and must be in its recipient's language.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Page, expect

from declarations.models import Declaration
from signatories.models import Party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long journey password 20"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PEOPLE = [  # party key, role, e-mail, language of the invitation
    ("un-fra", "focal_point", "focal.fr@example.org", "en"),
    ("un-fra", "signatory", "sign.fr@example.org", "en"),
    ("un-kor", "focal_point", "focal.kr@example.org", "ko"),
    ("un-kor", "signatory", "sign.kr@example.org", "ko"),
    ("nordic-council", "focal_point", "focal.nc@example.org", "ko"),
    ("nordic-council", "signatory", "sign.nc@example.org", "en"),
]
# The 27 EU member states and the Republic of Korea (one of the parties whose people read Korean).
UN_28 = str.split("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE KR")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"issue20-{name}.png"), full_page=True)


def _docx() -> bytes:
    document = docx.Document()
    document.add_heading("Preamble", level=1)
    for i in range(1, 31):
        if i == 6:
            document.add_heading("Commitments", level=1)
        document.add_paragraph(f"{i}. We, the undersigned, commit to open regional data, point {i}.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _companies_csv() -> bytes:
    rows = "".join(f"company-{i:02d};Company {i:02d} AG;Société {i:02d};company;DE\n" for i in range(1, 15))
    return ("\ufeffkey;name_en;name_fr;kind;country\n" + rows).encode("utf-8")


def _login(page: Page, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def _invitation_link(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    match = re.search(r"https?://[^/\s]+(/invite/[^/\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def _accept(page: Page, base: str, email: str) -> None:
    """A new person opens the link, chooses a password, lands logged in; then logs in again with it."""
    page.context.clear_cookies()
    page.goto(base + _invitation_link(email))
    page.fill("#id_first_name", email.split("@")[0])
    page.fill("#id_last_name", "Delegate")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    _login(page, base, email, PASSWORD)


def _hangul(text: str) -> bool:
    return re.search(r"[\uac00-\ud7a3]", text) is not None


def test_a_secretariat_runs_a_real_declaration_from_nothing(page: Page, live_server: Any, tmp_path: Path) -> None:
    """Superuser → secretariat → member → .docx declaration → 29 parties + 14 companies → people → comment round."""
    base = live_server.url
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)

    # The superuser creates the secretariat and invites its first member (in English).
    _login(page, base, "root", PASSWORD)
    page.goto(f"{base}/secretariats/")
    page.fill("#id_name", "Nordic Regions Secretariat")
    page.click("button:has-text('Create')")
    expect(page.locator("h1")).to_have_text("Nordic Regions Secretariat")
    page.fill("#id_email", "member@example.org")
    page.select_option("#id_language", "en")
    page.click("button:has-text('Send the invitation')")
    expect(page.locator(".messages")).to_contain_text("Invitation sent to member@example.org")
    _accept(page, base, "member@example.org")

    # The member creates the declaration from a Word file of 30 numbered clauses, preview first.
    page.click("text=New declaration")
    page.fill("#id_languages", "en, ko")
    page.fill("#id_source_language", "en")
    page.fill("#id_title", "Nordic pledge on open regional data")
    page.fill("#id_other_titles", "ko: 개방형 지역 데이터에 관한 북유럽 서약")
    docx_path = tmp_path / "pledge.docx"
    docx_path.write_bytes(_docx())
    page.set_input_files("#id_file", str(docx_path))
    page.click("button:has-text('Preview')")
    expect(page.locator("#preview-summary")).to_contain_text("30 clauses")
    expect(page.locator("#preview-summary")).to_contain_text("30 numbers found in the text")
    _shot(page, "1-preview")
    assert not Declaration.objects.exists()
    page.click("button:has-text('Create the declaration')")
    declaration = Declaration.objects.get()
    assert declaration.slug == "nordic-pledge-on-open-regional-data"
    page.wait_for_url(f"{base}/d/{declaration.slug}/parties/")

    # 28 UN member states from the built-in list.
    for code in UN_28:
        page.check(f"#un-states input[value={code}]")
    page.click("button:has-text('Add the ticked states')")
    expect(page.locator(".messages")).to_contain_text("28 parties added")

    # One regional organisation by hand, then into the declaration.
    page.click("text=Add a party to the directory")
    page.fill("#id_key", "nordic-council")
    page.fill("#id_short_name", "Nordic Council")
    page.select_option("#id_kind", "international organisation")
    page.fill("#id_name_en", "Nordic Council")
    page.fill("#id_name_ko", "북유럽 이사회")
    page.click("button:has-text('Save')")
    expect(page.locator("h1")).to_have_text("Nordic Council")

    # 14 companies from a CSV into the directory: preview, then import.
    page.goto(f"{base}/parties/import/")
    csv_path = tmp_path / "companies.csv"
    csv_path.write_bytes(_companies_csv())
    page.set_input_files("#id_file", str(csv_path))
    page.click("button:has-text('Preview')")
    expect(page.locator(".party-preview tbody tr")).to_have_count(14)
    assert not Party.objects.filter(kind="company").exists()
    page.click("button:has-text('Import 14 parties')")
    expect(page.locator(".messages")).to_contain_text("14 parties added")
    page.goto(f"{base}/d/{declaration.slug}/parties/")
    for checkbox in page.locator("#directory input[type=checkbox]").all():
        checkbox.check()
    page.click("button:has-text('Add the ticked parties')")
    expect(page.locator(".messages")).to_contain_text("15 parties added")
    assert declaration.participations.count() == 28 + 1 + 14
    _shot(page, "2-parties")

    # A focal point and a signatory for three parties; each accepts and logs in.
    for key, role, email, language in PEOPLE:
        page.goto(f"{base}/parties/{key}/")
        page.fill("#id_email", email)
        page.select_option("#id_role", role)
        page.select_option("#id_language", language)
        page.click("button:has-text('Send the invitation')")
        expect(page.locator(".messages")).to_contain_text(email)
    for _key, _role, email, _language in PEOPLE:
        _accept(page, base, email)
        expect(page.locator(f"a[href='/d/{declaration.slug}/']")).to_be_visible()  # they see the declaration

    # The member publishes version 1 and opens a comment round for everyone.
    _login(page, base, "member@example.org", PASSWORD)
    page.goto(f"{base}/d/{declaration.slug}/")
    page.get_by_role("link", name="Publish a version").click()
    page.fill("#id_label", "Draft 1")
    page.get_by_role("button", name="Publish").click()
    page.goto(f"{base}/d/{declaration.slug}/")
    page.click(".doc-actions >> text=Comment rounds")
    page.click("text=Open a comment round")
    page.fill("input[name=deadline]", "2099-06-30T17:00")
    page.select_option("select[name=time_zone]", "Europe/Oslo")
    page.click("button:has-text('Open the round')")
    expect(page.locator("[data-round-state]")).to_have_text("Open")
    _shot(page, "3-round")

    # Every e-mail on the way is in its recipient's language.
    languages = {"member@example.org": "en", **{email: language for _k, _r, email, language in PEOPLE}}
    invitations = [m for m in mail.outbox if "/invite/" in str(m.body)]
    rounds = [m for m in mail.outbox if "/rounds/" in str(m.body)]
    assert len(invitations) == 7 and {m.to[0] for m in rounds} == set(languages) - {"member@example.org"}
    for message in mail.outbox:
        korean = languages[message.to[0]] == "ko"
        assert _hangul(str(message.subject)) == korean, (message.to, message.subject)
        assert _hangul(message.body.split("\n", 1)[0]) == korean, (message.to, message.body[:200])
    korean_round = next(m for m in rounds if m.to == ["focal.kr@example.org"])
    assert "개방형 지역 데이터" in korean_round.subject  # the declaration's own Korean title
