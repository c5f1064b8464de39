"""The UN member states and observer states, with names from pycountry's ISO 3166-1 translations.

Only the membership (which ISO codes) is listed here; every name comes from the pinned pycountry
dataset (Debian's iso-codes, maintained with translations), never typed by hand. Source of the
membership list: https://www.un.org/en/about-us/member-states (193 members) and the two
non-member observer states (Holy See, State of Palestine).
"""

from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass

import pycountry

# The six UN languages and Korean, with pycountry's locale for each.
LANGUAGES = {"ar": "ar", "zh": "zh_CN", "en": None, "fr": "fr", "ru": "ru", "es": "es", "ko": "ko"}

MEMBERS: list[str] = str.split(
    "AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA CF TD "
    "CL CN CO KM CG CR CI HR CU CY CZ KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR "
    "GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KW KG LA LV LB LS LR LY LI LT LU MG "
    "MW MY MV ML MT MH MR MU MX FM MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH "
    "PL PT QA KR MD RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ "
    "TH TL TG TO TT TN TR TM TV UG UA AE GB TZ US UY UZ VU VE VN YE ZM ZW"
)
OBSERVERS = ["VA", "PS"]


@dataclass(frozen=True)
class State:
    alpha2: str
    alpha3: str
    names: dict[str, str]
    observer: bool

    @property
    def key(self) -> str:
        return f"un-{self.alpha3.lower()}"

    def party_data(self) -> dict[str, object]:
        """The shape party_upsert takes."""
        return {
            "key": self.key,
            "name": self.names,
            "short_name": self.names["en"],
            "country": self.alpha2,
            "kind": "national government",
        }


@functools.cache
def _translation(locale: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])


def _names(country: object) -> dict[str, str]:
    # The common name ("Bolivia", "South Korea") where ISO has one, as the UN lists states by it.
    name = getattr(country, "common_name", None) or country.name  # type: ignore[attr-defined]
    out = {}
    for lang, locale in LANGUAGES.items():
        out[lang] = _translation(locale).gettext(name) if locale else name
        if locale and out[lang] == name and name != country.name:  # type: ignore[attr-defined]
            out[lang] = _translation(locale).gettext(country.name)  # type: ignore[attr-defined]
    return out


@functools.cache
def un_states() -> tuple[State, ...]:
    """Members then observers, each sorted by English name."""
    states = []
    for codes, observer in ((MEMBERS, False), (OBSERVERS, True)):
        group = []
        for code in codes:
            country = pycountry.countries.get(alpha_2=code)
            if country is None:  # pragma: no cover - the test checks every code resolves
                raise LookupError(code)
            group.append(State(code, country.alpha_3, _names(country), observer))
        states += sorted(group, key=lambda s: s.names["en"])
    return tuple(states)


def state_by_code(code: str) -> State | None:
    code = code.upper()
    return next((s for s in un_states() if code in (s.alpha2, s.alpha3)), None)
