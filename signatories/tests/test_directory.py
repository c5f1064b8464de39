"""The party directory: CSV/XLSX import with a preview and per-row errors, the UN list, the back office."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from signatories.directory import parties_import, read_party_file
from signatories.models import Party
from signatories.services import PartyError
from signatories.un_states import un_states

from .people_factories import make_secretariat, make_user

pytestmark = pytest.mark.django_db


def _read(raw: bytes, name: str = "parties.csv"):  # type: ignore[no-untyped-def]
    return read_party_file(name=name, size=len(raw), read=lambda: raw)


HEADER = "key;name_en;name_fr;kind;country\n"


def test_excel_csv_with_bom_and_semicolons_reads_and_nothing_is_saved_before_confirming() -> None:
    """UTF-8 with BOM, semicolons: rows read, kinds by label, nothing written until parties_import."""
    raw = ("\ufeff" + HEADER + "acme;Acme Ltd;Acme SA;Company;FR\nngo;Open Data Org;;civil society;\n").encode()
    found = _read(raw)
    assert found.ok and [r.data["kind"] for r in found.rows] == ["company", "civil society"]
    assert found.rows[0].data["name"] == {"en": "Acme Ltd", "fr": "Acme SA"}
    assert not Party.objects.filter(key__in=["acme", "ngo"]).exists()
    assert parties_import(rows=[r.data for r in found.rows], by=None) == (2, 0)
    acme = Party.objects.get(key="acme")
    assert acme.group.name == "party:acme" and acme.country == "FR"
    assert acme.history.count() == 1  # type: ignore[attr-defined]


def test_utf16_tab_separated_reads() -> None:
    """Excel's "Unicode text" (UTF-16, tabs) reads like any CSV."""
    raw = "key\tname_en\tkind\tcountry\nseoul\t서울특별시\tregional government\tKR\n".encode("utf-16")
    found = _read(raw, "parties.txt")
    assert found.ok and found.rows[0].data["name"] == {"en": "서울특별시"}


def test_each_bad_row_is_named_and_the_file_cannot_be_imported() -> None:
    """Duplicate keys, unknown kinds, bad keys, unknown countries, missing names: one error list per row."""
    raw = (
        HEADER
        + "acme;Acme;;company;FR\nacme;Acme again;;company;FR\nbad key;X;;company;\n"
        + "zed;Zed;;spaceship;\nnoname;;;company;\nxx;Xx;;company;ZZ\n"
    ).encode()
    found = _read(raw)
    errors = {r.line: " ".join(r.errors) for r in found.rows if r.errors}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "also on line 2" in errors[3]
    assert "unknown kind" in errors[5] and "no name" in errors[6] and "ZZ" in errors[7]
    assert not found.ok


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("key;name_en;kind;colour\n", "Unknown column"),
        ("key;name_en;country\n", "Missing column"),
        ("name_en;kind\n", "key"),
    ],
)
def test_unknown_or_missing_columns_refuse_the_whole_file(header: str, message: str) -> None:
    """A typo in a column is an error, not a silently dropped column."""
    with pytest.raises(PartyError, match=message):
        _read((header + "a;b;c;d\n").encode())


def test_xlsx_is_read_like_csv() -> None:
    """The first sheet of an Excel workbook, header in row 1."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["key", "name_en", "kind", "country"])
    sheet.append(["samsung", "Samsung", "company", "KR"])
    out = io.BytesIO()
    book.save(out)
    found = _read(out.getvalue(), "parties.xlsx")
    assert found.ok and found.rows[0].data["key"] == "samsung"
    with pytest.raises(PartyError, match="not an Excel"):
        _read(b"not a zip", "parties.xlsx")


def test_ten_thousand_rows_preview_and_import_in_seconds() -> None:
    """10,000 rows: preview and import each well under the request budget (figures in the report)."""
    raw = (HEADER + "".join(f"co-{i};Company {i};;company;DE\n" for i in range(10_000))).encode()
    before = Party.objects.count()
    started = time.perf_counter()
    found = _read(raw)
    preview = time.perf_counter() - started
    assert found.ok and len(found.rows) == 10_000
    started = time.perf_counter()
    assert parties_import(rows=[r.data for r in found.rows], by=None) == (10_000, 0)
    saved = time.perf_counter() - started
    assert (
        Party.objects.count() == before + 10_000
        and Group.objects.filter(name__startswith="party:co-").count() == 10_000
    )
    assert preview < 5 and saved < 30, (preview, saved)


def test_the_un_list_has_193_members_and_2_observers_named_in_seven_languages() -> None:
    """Names come from pycountry's translations, in the six UN languages and Korean."""
    states = un_states()
    assert len([s for s in states if not s.observer]) == 193
    assert {s.alpha2 for s in states if s.observer} == {"VA", "PS"}
    france = next(s for s in states if s.alpha2 == "FR")
    assert france.names == {
        "ar": "فرنسا",
        "zh": "法国",
        "en": "France",
        "fr": "France",
        "ru": "Франция",
        "es": "Francia",
        "ko": "프랑스",
    }
    assert all(set(s.names) == {"ar", "zh", "en", "fr", "ru", "es", "ko"} and all(s.names.values()) for s in states)


def test_preview_then_confirm_in_the_app() -> None:
    """Upload shows the preview (nothing saved); confirm saves; a file with errors offers no confirm."""
    _secretariat, member = make_secretariat()
    client = Client()
    client.force_login(member)
    url = reverse("signatories:party_import")
    upload = io.BytesIO((HEADER + "acme;Acme;;company;FR\n").encode())
    upload.name = "p.csv"
    page = client.post(url, {"file": upload}).content.decode()
    assert "Import 1 party" in page and not Party.objects.filter(key="acme").exists()
    client.post(url, {"confirm": "1"})
    assert Party.objects.filter(key="acme").exists()
    bad = io.BytesIO((HEADER + "b;B;;rocket;\n").encode())
    bad.name = "p.csv"
    page = client.post(url, {"file": bad}).content.decode()
    assert "unknown kind" in page and 'name="confirm"' not in page


def test_add_and_edit_a_party_in_the_app_and_outsiders_get_404() -> None:
    """A member adds a regional organisation with names per language; an outsider gets 404."""
    _secretariat, member = make_secretariat()
    client = Client()
    client.force_login(member)
    data = {
        "key": "eu-regions",
        "short_name": "EU Regions",
        "kind": "international organisation",
        "country": "",
        "name_en": "Assembly of European Regions",
        "name_fr": "Assemblée des régions d'Europe",
    }
    client.post(reverse("signatories:party_add"), data)
    party = Party.objects.get(key="eu-regions")
    assert party.name["fr"] == "Assemblée des régions d'Europe" and party.group_id
    client.post(reverse("signatories:party_edit", args=["eu-regions"]), {**data, "short_name": "AER"})
    party.refresh_from_db()
    assert party.short_name == "AER"
    outsider = Client()
    outsider.force_login(make_user("stranger"))
    assert outsider.get(reverse("signatories:parties")).status_code == 404
    assert outsider.get(reverse("signatories:party", args=["eu-regions"])).status_code == 404


def test_the_back_office_add_party_creates_its_group() -> None:
    """Issue 20: "Add party" in the back office answered 500 (group_id NOT NULL); it goes through the service."""
    admin = make_user("root", superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:signatories_party_add"),
        {
            "key": "bavaria",
            "name": '{"en": "Bavaria"}',
            "short_name": "Bavaria",
            "country": "DE",
            "kind": "regional government",
            "note": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Party.objects.get(key="bavaria").group.name == "party:bavaria"
