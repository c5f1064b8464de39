"""Journey: a whole comment round on the demo, from opening to publishing version 2 with the reflection note."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "deta-trustworthy-ai-manifesto"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"round-{name}.png"), full_page=True)


def _round(page: Page, base: str) -> None:
    page.goto(f"{base}/d/{SLUG}/rounds/1/")


def _write(
    page: Page,
    base: str,
    *,
    kind: str,
    target: str | None = None,
    lang: str = "en",
    text: str = "",
    edit: tuple[str, str] | None = None,
) -> None:
    _round(page, base)
    page.click("text=Write a comment")
    if target:
        value = page.locator("select[name=target] option", has_text=target).first.get_attribute("value")
        page.select_option("select[name=target]", value)
    page.select_option("select[name=kind]", kind)
    page.select_option("select[name=language]", lang)
    if edit:
        box = page.locator("textarea[name=proposed_text]")
        expect(box).to_have_value(re.compile(edit[0]))  # prefilled from the clause text
        box.fill(box.input_value().replace(*edit))
    if text:
        page.fill("textarea[name=text]", text)
    page.click("button:has-text('Save draft')")
    expect(page.locator(".messages")).to_contain_text("Your draft is saved")


def _decide(page: Page, base: str, number: int, disposition: str, reason: str) -> None:
    _round(page, base)
    page.click(f"[data-comment='{number}'] a.comment-no")
    page.check(f"input[name=disposition][value={disposition}]")
    page.fill("textarea[name=reason]", reason)
    page.click("button:has-text('Record the decision')")
    expect(page.locator(".messages")).to_contain_text(f"comment #{number} is recorded")


def test_whole_comment_round(login, demo_live) -> None:  # type: ignore[no-untyped-def]
    """Open, comment, submit, decide, apply, summarise, export and publish version 2 with the note."""
    base = demo_live.url
    page = login("secretariat")
    page.on("dialog", lambda dialog: dialog.accept())

    # The secretariat opens a round on version 1, inviting the four demo parties.
    page.goto(f"{base}/d/{SLUG}/")
    page.click(".doc-actions >> text=Comment rounds")
    page.click("text=Open a comment round")
    page.fill("input[name=deadline]", "2099-06-30T17:00")
    page.select_option("select[name=time_zone]", "Europe/Madrid")
    page.click("button:has-text('Select none')")
    for name in ("Gyeonggi Province", "Government of Catalonia", "Kyoto Prefecture", "Occitanie Region"):
        page.get_by_label(name).check()
    _shot(page, "1-open")
    page.click("button:has-text('Open the round')")
    expect(page.locator("[data-round-state]")).to_have_text("Open")

    # Gyeonggi's reviewer proposes text for two clauses and writes a general comment.
    login("gyeonggi.reviewer")
    _write(
        page,
        base,
        kind="proposed_text",
        target="¶ 2 —",
        edit=("relational thinking", "relational, rights-based thinking"),
        text="Name the rights.",
    )
    _write(page, base, kind="proposed_text", target="¶ 4 —", edit=("Democracy:", "Democracy and participation:"))
    _write(page, base, kind="general", lang="ko", text="전반적으로 지지합니다.")
    _round(page, base)
    expect(page.locator(".comment-card.status-draft")).to_have_count(3)
    expect(page.locator(".comment-card ins").first).to_contain_text("rights-based")
    _shot(page, "2-drafts")

    # Catalonia cannot see Gyeonggi's drafts.
    login("catalonia.reviewer")
    _round(page, base)
    expect(page.locator(".comment-card")).to_have_count(0)
    _write(page, base, kind="substantive", target="¶ 5 —", text="Refer to the Council of Europe AI convention.")

    # The focal points answer for their parties.
    for focal in ("gyeonggi.focal", "catalonia.focal"):
        login(focal)
        _round(page, base)
        page.click("button:has-text('for my party')")
        expect(page.locator(".messages")).to_contain_text("submitted for your party")
    login("kyoto.focal")
    _round(page, base)
    page.click("button:has-text('no comments')")
    expect(page.locator(".party-panel .response")).to_have_text("No comments")

    # The secretariat decides: applies both proposals, notes the general comment, rejects Catalonia's.
    login("secretariat")
    _decide(page, base, 1, "accepted", "Agreed: rights are named.")
    expect(page.locator(".applied").first).to_contain_text("Applied to the clause text")
    _shot(page, "3-applied")
    _decide(page, base, 2, "accepted", "Agreed.")
    _decide(page, base, 3, "noted", "Thank you for the support.")
    _decide(page, base, 4, "rejected", "A manifesto does not cite treaties.")
    page.goto(f"{base}/d/{SLUG}/?lang=en")
    expect(page.locator("#clause-vision")).to_contain_text("relational, rights-based thinking")

    _round(page, base)
    expect(page.locator("tr[data-party=occitanie] .response")).to_have_text("Not yet")
    expect(page.locator("tr[data-party=kyoto] .response")).to_have_text("No comments")
    _shot(page, "4-round")

    with page.expect_download() as download_info:
        page.click("text=Comment-resolution matrix (XLSX)")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    assert isinstance(sheet, Worksheet)
    header = [cell.value for cell in sheet[1]]
    party, disposition, reason = (header.index(name) for name in ("Party", "Secretariat disposition", "Reason"))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[party], r[disposition], r[reason]) for r in rows] == [
        ("Gyeonggi Province", "Accepted", "Agreed: rights are named."),
        ("Gyeonggi Province", "Accepted", "Agreed."),
        ("Gyeonggi Province", "Noted", "Thank you for the support."),
        ("Government of Catalonia", "Rejected", "A manifesto does not cite treaties."),
    ]

    # The reflection summary becomes the note of version 2, in English and Korean.
    page.click("text=Reflection summary")
    expect(page.locator("[data-summary=en]")).to_contain_text("Gyeonggi Province's comments fully reflected")
    expect(page.locator("[data-summary=ko]")).to_contain_text("경기도 의견 전부 반영")
    _shot(page, "5-reflection")
    page.click("text=Publish the next version with this note")
    note = page.locator("textarea[name=note]")
    expect(note).to_have_value(re.compile("Gyeonggi Province's comments fully reflected(.|\n)*경기도 의견 전부 반영"))
    page.fill("input[name=label]", "Draft 2")
    page.click("button.primary[type=submit]")
    expect(page.locator(".messages")).to_contain_text("was published")

    # Gyeonggi sees where its comments are reflected.
    login("gyeonggi.reviewer")
    _round(page, base)
    expect(page.locator("[data-comment='1'] .reflected")).to_have_text("Reflected in version 2")
    expect(page.locator("[data-comment='3'] .disposition")).to_contain_text("Thank you for the support.")
    _shot(page, "6-party-view")
