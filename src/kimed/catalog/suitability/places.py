"""Places for the geography criterion: countries by ISO 3166 code or name (English or German),
EU country authority IRIs, and NUTS regions (whose code starts with the country's two letters)."""

from __future__ import annotations

from dataclasses import dataclass

COUNTRY_IRI = "http://publications.europa.eu/resource/authority/country/"
NUTS_IRI = "http://data.europa.eu/nuts/code/"

# alpha-3, alpha-2 (as NUTS writes it), English name, German name
_COUNTRIES = """AUT AT Austria Österreich|BEL BE Belgium Belgien|BGR BG Bulgaria Bulgarien
|HRV HR Croatia Kroatien|CYP CY Cyprus Zypern|CZE CZ Czechia Tschechien|DNK DK Denmark Dänemark
|EST EE Estonia Estland|FIN FI Finland Finnland|FRA FR France Frankreich|DEU DE Germany Deutschland
|GRC EL Greece Griechenland|HUN HU Hungary Ungarn|IRL IE Ireland Irland|ITA IT Italy Italien
|LVA LV Latvia Lettland|LTU LT Lithuania Litauen|LUX LU Luxembourg Luxemburg|MLT MT Malta Malta
|NLD NL Netherlands Niederlande|POL PL Poland Polen|PRT PT Portugal Portugal|ROU RO Romania Rumänien
|SVK SK Slovakia Slowakei|SVN SI Slovenia Slowenien|ESP ES Spain Spanien|SWE SE Sweden Schweden
|ISL IS Iceland Island|LIE LI Liechtenstein Liechtenstein|NOR NO Norway Norwegen
|CHE CH Switzerland Schweiz|GBR UK United_Kingdom Vereinigtes_Königreich
|USA US United_States Vereinigte_Staaten|CAN CA Canada Kanada|AUS AU Australia Australien"""


@dataclass(frozen=True)
class Country:
    alpha3: str
    alpha2: str
    en: str
    de: str


def countries() -> list[Country]:
    out = []
    for entry in _COUNTRIES.replace("\n", "").split("|"):
        a3, a2, en, de = entry.split()
        out.append(Country(a3, a2, en.replace("_", " "), de.replace("_", " ")))
    return out


@dataclass(frozen=True)
class Place:
    """A place as given or as found: a country (alpha-3), a NUTS region, or only a name."""

    text: str
    country: str | None = None
    nuts: str | None = None

    @property
    def label(self) -> str:
        return self.nuts or self.country or self.text


def resolve(text: str) -> Place:
    """Read a code, IRI or name. Unknown names stay names (matched against the record's labels)."""
    value = text.strip()
    by = {}
    for c in countries():
        for key in (c.alpha3, c.en.lower(), c.de.lower(), c.alpha2,
                    "GB" if c.alpha2 == "UK" else "", "GR" if c.alpha2 == "EL" else ""):
            if key:
                by[key] = c
    if value.startswith(COUNTRY_IRI):
        code = value[len(COUNTRY_IRI):].upper()
        return Place(value, country=code)
    if value.startswith(NUTS_IRI):
        value = value[len(NUTS_IRI):]
        return _nuts(value, by)
    if len(value) in (2, 3) and value.upper() in by:
        return Place(text, country=by[value.upper()].alpha3)
    if value.lower() in by:
        return Place(text, country=by[value.lower()].alpha3)
    if 3 <= len(value) <= 5 and value[:2].upper() in by and value[2:].isalnum() and \
            value.upper() == value:
        return _nuts(value, by)
    return Place(text)


def _nuts(code: str, by: dict) -> Place:
    country = by.get(code[:2].upper())
    if country is None or len(code) == 2:
        return Place(code, country=country.alpha3 if country else None)
    return Place(code, country=country.alpha3, nuts=code.upper())
