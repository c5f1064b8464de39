"""The permission matrix: every URL Accord serves × every role → the expected answer.

URLs are enumerated from the resolver, so a new URL without an entry fails this suite. Requests
run against the demo plus a second declaration (tests/permission_world.py); each POST is rolled
back so the world stays the same for the next cell.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from django.db import transaction
from django.test import Client, TestCase
from django.urls import NoReverseMatch, reverse

from .permission_matrix_table import EXPECTED, Expect
from .permission_urls import KWARGS, admin_urls, all_url_names, d
from .permission_world import ROLES, STAFF_ROLES, World, build_world, user


def answer(client: Client, method: str, url: str) -> int:
    """One request whose writes are rolled back and whose cookie changes (log out) are undone."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return int(response.status_code)


def redirected(client: Client, method: str, url: str) -> Any:
    """Like answer(), returning the response (for its Location)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


class PermissionMatrixTest(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def setUp(self) -> None:
        self.clients: dict[str, Client] = {}
        for role, username in ROLES.items():
            client = Client()
            if username:
                client.force_login(user(username))
            self.clients[role] = client

    def url_for(self, name: str) -> str:
        kwargs = KWARGS.get(name, d)(self.world)
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return reverse(name)

    def test_every_url_has_an_entry(self) -> None:
        """A URL pattern without a row in the matrix fails the suite."""
        names = {n for n in all_url_names() if not n.startswith("admin:")}
        missing = sorted(names - set(EXPECTED))
        self.assertEqual(missing, [], "Add these URLs to tests/permission_matrix_table.py")
        stale = sorted(set(EXPECTED) - names)
        self.assertEqual(stale, [], "These matrix rows name URLs that no longer exist")

    def test_matrix(self) -> None:
        """Each role gets exactly the expected answer on GET and POST of every URL."""
        dump = os.environ.get("ACCORD_MATRIX_DUMP")
        failures: list[str] = []
        for name in sorted(EXPECTED if not dump else {n for n in all_url_names() if not n.startswith("admin:")}):
            try:
                url = self.url_for(name)
            except NoReverseMatch:
                if dump:
                    print(f"    # {name}: add its arguments to tests/permission_urls.py")
                    continue
                raise
            row: dict[str, Expect] = {}
            for role, client in self.clients.items():
                row[role] = (answer(client, "get", url), answer(client, "post", url))
            if dump:
                print(f"    {name!r}: {{" + ", ".join(f"{r!r}: {v!r}" for r, v in row.items()) + "},")
                continue
            expected = EXPECTED[name]
            for role, got in row.items():
                if got != expected[role]:
                    failures.append(f"{name} as {role}: expected GET/POST {expected[role]}, got {got}")
        self.assertEqual(failures, [])

    def test_admin_is_for_superusers_only(self) -> None:
        """The back office lets in the superuser only; the secretariat, like everyone else, is sent to its login."""
        for role, client in self.clients.items():
            code = answer(client, "get", reverse("admin:index"))
            expected = 200 if role == "admin" else 302
            with self.subTest(role=role):
                self.assertEqual(code, expected)

    def test_no_admin_page_for_anyone_but_a_superuser(self) -> None:
        """Every admin URL (lists and changes of users, memberships, permissions included) answers every
        role but the superuser — staff holding every global permission too — with its login page."""
        login, logout = reverse("admin:login"), reverse("admin:logout")
        clients = dict(self.clients)
        for role, username in STAFF_ROLES.items():
            clients[role] = Client()
            clients[role].force_login(user(username))
        urls = admin_urls(self.world)
        self.assertGreater(len(urls), 100)
        leaks: list[str] = []
        for url in urls:
            for role, client in clients.items():
                if role == "admin":
                    continue
                for method in ("get", "post"):
                    response = redirected(client, method, url)
                    if url == login:
                        ok = response.status_code == 200 and b"id_password" in response.content
                    elif url == logout:  # logs out (if at all) and goes to the index, which sends to the login
                        ok = response.status_code == 302 and response["Location"] == reverse("admin:index")
                    else:
                        ok = response.status_code == 302 and response["Location"].startswith(login)
                    if not ok:
                        leaks.append(
                            f"{method.upper()} {url} as {role}: {response.status_code} {response.get('Location')}"
                        )
        self.maxDiff = None
        self.assertEqual(leaks, [])
        superuser = self.clients["admin"]
        for name in (
            "admin:auth_user_changelist",
            "admin:signatories_membership_changelist",
            "admin:auth_group_changelist",
        ):
            with self.subTest(superuser=name):
                self.assertEqual(answer(superuser, "get", reverse(name)), 200)

    def _get(self, role: str, name: str, **kwargs: Any) -> int:
        return answer(self.clients[role], "get", reverse(name, kwargs=kwargs))

    def test_objects_of_another_declaration_are_not_reachable(self) -> None:
        """A comment, round or signature of another declaration is 404 through this one's URLs, for everyone."""
        w = self.world
        for role in ("secretariat", "other_focal", "admin"):
            with self.subTest(role=role):
                self.assertEqual(
                    self._get(
                        role,
                        "consultations:comment",
                        slug=w.declaration.slug,
                        number=w.round.number,
                        comment_id=w.foreign_comment.pk,
                    ),
                    404,
                )
                self.assertEqual(
                    self._get(role, "signing:signature_image", slug=w.declaration.slug, pk=w.foreign_signature.pk),
                    404,
                )

    def test_gyeonggi_cannot_see_the_second_declaration(self) -> None:
        """Parties not linked to a declaration get 404 on all of its pages."""
        w = self.world
        for role in ("reviewer", "focal", "signatory", "observer", "outsider"):
            with self.subTest(role=role):
                self.assertEqual(self._get(role, "declarations:detail", slug=w.other.slug), 404)
                self.assertEqual(
                    self._get(role, "consultations:round", slug=w.other.slug, number=w.other_round.number), 404
                )
                self.assertEqual(self._get(role, "signing:signing", slug=w.other.slug), 404)

    def test_a_party_never_sees_another_partys_draft(self) -> None:
        """Gyeonggi's draft comment is 404 to Catalonia, the observer and even the secretariat."""
        w = self.world
        kwargs = {"slug": w.declaration.slug, "number": w.round.number, "comment_id": w.draft.pk}
        for role in ("other_reviewer", "other_focal", "other_signatory", "observer", "secretariat", "outsider"):
            with self.subTest(role=role):
                self.assertEqual(self._get(role, "consultations:comment", **kwargs), 404)
        self.assertEqual(self._get("reviewer", "consultations:comment", **kwargs), 200)
        page = self.clients["other_focal"].get(
            reverse("consultations:round", kwargs={"slug": w.declaration.slug, "number": w.round.number})
        )
        self.assertNotContains(page, "Gyeonggi&#x27;s private draft.")
        self.assertNotContains(page, "Gyeonggi's private draft.")
        search = reverse("consultations:search", kwargs={"slug": w.declaration.slug})
        for role in ("other_focal", "observer", "secretariat"):
            with self.subTest(search=role):
                found = self.clients[role].get(search, {"q": "private draft"})
                self.assertEqual(found.status_code, 200)
                self.assertNotContains(found, "&#x27;s <mark>private</mark>")
        self.assertContains(
            self.clients["reviewer"].get(search, {"q": "private draft"}),
            "&#x27;s <mark>private</mark> <mark>draft</mark>",
        )

    def test_another_party_cannot_act_on_our_draft(self) -> None:
        """Catalonia's users get 404 when they try to read, edit or discard Gyeonggi's draft."""
        w = self.world
        kwargs = {"slug": w.declaration.slug, "number": w.round.number, "comment_id": w.draft.pk}
        for name in ("consultations:comment_edit", "consultations:comment_discard"):
            url = reverse(name, kwargs=kwargs)
            for role in ("other_reviewer", "other_focal", "other_signatory", "observer", "secretariat"):
                with self.subTest(url=name, role=role):
                    self.assertEqual(answer(self.clients[role], "post", url), 404)
        self.assertTrue(type(w.draft).objects.filter(pk=w.draft.pk, text="Gyeonggi's private draft.").exists())

    def test_every_post_needs_a_csrf_token(self) -> None:
        """A POST without the CSRF token is refused (403) on every URL that accepts POST."""
        for name in sorted(EXPECTED):
            if EXPECTED[name]["secretariat"][1] == 405:
                continue
            client = Client(enforce_csrf_checks=True)
            client.force_login(user("secretariat"))
            with self.subTest(url=name):
                self.assertEqual(answer(client, "post", self.url_for(name)), 403)
