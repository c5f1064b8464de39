"""WCAG 2.2 AA: axe-core finds nothing on the main pages, for every role, in English and Korean.

The pages that come after the signing (adhering, inviting a party to adhere, recording an adherence, the
closed board with its next edition) and the invitation pages (sending one, accepting one as a new person
or with an existing account, a link that no longer works) are checked the same way on a second world.

Each page is also opened at 390 px (a phone held upright) and must not scroll sideways, and is kept as
a screenshot at 1280 and 390 px under var/artefacts/screenshots/<language>/<role>/ for a person to look at.
axe-core is vendored (static/vendor/axe-core) and injected by the test; no page loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page

from tests.browser.a11y_world import COMMENT_KEY, ClosedWorld, World, build_closed_world, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0–2.2 A and AA, and axe's best practices (landmarks, heading order, one h1 per page).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SHOTS = Path(settings.BASE_DIR) / "var" / "artefacts" / "screenshots"
WIDE, NARROW = 1280, 390
# Clause keys of the demo that read as keys, not words: officials see paragraph numbers instead.
CLAUSE_KEYS = ["recommendation-5", "recommendations-intro", "rule-of-law", "human-dignity", "call-to-action"]

PAGES: dict[str, Callable[[World], str]] = {
    "home": lambda w: "/",
    "declaration": lambda w: f"/d/{w.declaration.slug}/",
    "declaration-both-languages": lambda w: f"/d/{w.declaration.slug}/?lang=en&with=ko",
    "clause-history": lambda w: f"/d/{w.declaration.slug}/clauses/{COMMENT_KEY}/history/",
    "comment": lambda w: f"/d/{w.declaration.slug}/rounds/{w.round.number}/comments/{w.pending.pk}/",
    "comment-decided": lambda w: f"/d/{w.declaration.slug}/rounds/{w.round.number}/comments/{w.decided.pk}/",
    "clause-comments": lambda w: f"/d/{w.declaration.slug}/rounds/{w.round.number}/clauses/{COMMENT_KEY}/",
    "comment-new": lambda w: f"/d/{w.declaration.slug}/rounds/{w.round.number}/comments/new/",
    "round": lambda w: f"/d/{w.declaration.slug}/rounds/{w.round.number}/",
    "rounds": lambda w: f"/d/{w.declaration.slug}/rounds/",
    "reflection": lambda w: f"/d/{w.declaration.slug}/rounds/reflection/",
    "versions": lambda w: f"/d/{w.declaration.slug}/versions/",
    "compare": lambda w: f"/d/{w.declaration.slug}/compare/?from=1&to=2",
    "compare-side": lambda w: f"/d/{w.declaration.slug}/compare/?from=1&to=2&view=side&lang=ko",
    "signing-board": lambda w: f"/d/{w.declaration.slug}/signing/",
    "sign": lambda w: f"/d/{w.declaration.slug}/signing/party/gyeonggi/",
    "record-offline": lambda w: f"/d/{w.declaration.slug}/signing/party/occitanie/record/",
    "designate": lambda w: f"/d/{w.declaration.slug}/signing/party/gyeonggi/designate/",
    "search": lambda w: f"/d/{w.declaration.slug}/search/?q=trust",
    "account": lambda w: "/account/",
    "export": lambda w: f"/d/{w.declaration.slug}/pdf/",
    "verify": lambda w: "/verify/",
    "login": lambda w: "/accounts/login/",
    "password-reset": lambda w: "/accounts/password_reset/",
}

EVERYONE = ["home", "declaration", "declaration-both-languages", "rounds", "round", "versions", "compare"]
EVERYONE += ["compare-side", "signing-board", "search", "account", "export", "verify"]
ROLES: dict[str, list[str]] = {
    "secretariat": [
        *EVERYONE,
        "clause-history",
        "clause-comments",
        "comment",
        "comment-decided",
        "reflection",
        "record-offline",
    ],
    "gyeonggi.reviewer": [*EVERYONE, "clause-history", "clause-comments", "comment", "comment-decided", "comment-new"],
    "gyeonggi.focal": [*EVERYONE, "clause-comments", "comment", "sign", "designate"],
    "gyeonggi.signatory": [*EVERYONE, "sign"],
    "anonymous": ["login", "password-reset", "verify"],
}

AFTER_SIGNING: dict[str, Callable[[ClosedWorld], str]] = {
    "home": lambda w: "/",
    "signing-board-closed": lambda w: f"/d/{w.declaration.slug}/signing/",
    "audit": lambda w: f"/d/{w.declaration.slug}/signing/audit/",
    "adherence-invite": lambda w: f"/d/{w.declaration.slug}/signing/adherence/invite/",
    "adherence-record": lambda w: f"/d/{w.declaration.slug}/signing/party/gyeonggi/adherence/",
    "adhere": lambda w: f"/d/{w.declaration.slug}/signing/party/gyeonggi/adhere/",
    "adhered": lambda w: f"/d/{w.declaration.slug}/signing/party/occitanie/adhere/",
    "designate-to-adhere": lambda w: f"/d/{w.declaration.slug}/signing/party/gyeonggi/designate/",
    "secretariat-invitations": lambda w: f"/secretariats/{w.secretariat_slug}/",
    "party-invitations": lambda w: "/parties/gyeonggi/",
    "invitation-secretariat": lambda w: w.invitations["secretariat"],
    "invitation-new-person": lambda w: w.invitations["new-person"],
    "invitation-existing-account": lambda w: w.invitations["existing-account"],
    "invitation-invalid": lambda w: "/invite/no-such-link/",
}
# A link that no longer works answers 410 Gone, with a page that says why.
STATUS = {"invitation-invalid": 410}
ROLES_AFTER_SIGNING: dict[str, list[str]] = {
    "secretariat": [
        "signing-board-closed",
        "audit",
        "adherence-invite",
        "adherence-record",
        "secretariat-invitations",
        "party-invitations",
    ],
    "gyeonggi.focal": ["home", "signing-board-closed", "adhere", "designate-to-adhere"],
    "gyeonggi.signatory": ["home", "signing-board-closed", "adhere"],
    "occitanie.focal": ["adhered"],
    "gyeonggi.reviewer": ["signing-board-closed", "invitation-existing-account"],
    "anonymous": [
        "invitation-secretariat",
        "invitation-new-person",
        "invitation-existing-account",
        "invitation-invalid",
    ],
}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 6).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").slice(0, 3).join(" ")),
    count: v.nodes.length,
  }));
}"""

# What sticks out past the right edge, for the failure message.
OVERFLOWING = """(width) => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length)
  .slice(0, 8)
  .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") + " right=" + Math.round(el.getBoundingClientRect().right))"""


@pytest.fixture
def world(demo_live: Any) -> World:
    return build_world()


def _violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, TAGS)  # type: ignore[no-any-return]


def _describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['count']} elements)")
        lines += [f"      {node}" for node in v["nodes"]]
    return "\n".join(lines)


def check_page(page: Page, url: str, shot: Path, *, status: int = 200) -> list[str]:
    """Problems on one page: axe violations and clause keys at 1280 px, sideways scrolling at 390 px; screenshots."""
    problems: list[str] = []
    page.set_viewport_size({"width": WIDE, "height": 900})
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    # Texts at their own addresses (the declaration, a redline) are loaded by htmx: check the page as read.
    page.wait_for_function("!document.querySelector('[aria-busy=true]')")
    shown = page.evaluate("document.body.innerText")
    if keys := [key for key in CLAUSE_KEYS if key in shown]:
        problems.append(f"{url}: clause keys shown where paragraph numbers are expected: {', '.join(keys)}")
    found = _violations(page)
    if found:
        problems.append(f"{url}: axe found {len(found)} kinds of violation\n{_describe(found)}")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{shot}-{WIDE}.png", full_page=True)
    page.set_viewport_size({"width": NARROW, "height": 844})
    page.wait_for_timeout(50)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW:
        offenders = page.evaluate(OVERFLOWING, NARROW)
        problems.append(f"{url}: {width} px wide at {NARROW} px: " + "; ".join(offenders))
    page.screenshot(path=f"{shot}-{NARROW}.png", full_page=True)
    return problems


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # axe is injected as a script element; the pages' CSP (nonces only) would refuse it.
    return {**browser_context_args, "bypass_csp": True}


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("role", list(ROLES))
def test_main_pages_have_no_axe_violations_and_fit_a_phone(
    role: str, language: str, world: World, page: Page, login, demo_live
) -> None:  # type: ignore[no-untyped-def]
    """Every main page this role opens: 0 axe violations (WCAG 2.0–2.2 A/AA and best practice), no sideways scrolling at 390 px."""
    if role != "anonymous":
        login(role)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": demo_live.url}])
    problems: list[str] = []
    for name in ROLES[role]:
        shot = SHOTS / language / role / name
        problems += check_page(page, demo_live.url + PAGES[name](world), shot)
    assert not problems, f"{role}, {language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("role", list(ROLES_AFTER_SIGNING))
def test_adherence_and_invitation_pages_have_no_axe_violations_and_fit_a_phone(
    role: str, language: str, page: Page, login, demo_live
) -> None:  # type: ignore[no-untyped-def]
    """After the signing and for invitations: 0 axe violations, no sideways scrolling at 390 px, for each role that opens them."""
    world = build_closed_world()
    if role != "anonymous":
        login(role)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": demo_live.url}])
    problems: list[str] = []
    for name in ROLES_AFTER_SIGNING[role]:
        shot = SHOTS / language / role / f"after-signing-{name}"
        problems += check_page(page, demo_live.url + AFTER_SIGNING[name](world), shot, status=STATUS.get(name, 200))
    assert not problems, f"{role}, {language}:\n" + "\n".join(problems)
