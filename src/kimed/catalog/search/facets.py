"""The search facets: their keys and titles, the values a record contributes, and value labels.

Every facet value is stored as a row of ``dataset_facets`` at index time, so all counts come from one
kind of SQL query. Two facets are special:

- ``population`` groups healthdcatap:numberOfUniqueIndividuals into size bands;
- ``age`` and ``temporal`` are range filters (``age_min``/``age_max``, ``from``/``to``); their
  values are fixed bands that the record's age range or temporal coverage overlaps, so a page can
  show counts and offer a band as a ready-made range.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from kimed.catalog.projection import DatasetRecord, pick


@dataclass(frozen=True)
class Facet:
    key: str
    titles: dict[str, str]
    kind: str = "value"  # value | range
    source: str = ""  # the HealthDCAT-AP property the values come from

    def title(self, lang: str = "en") -> str:
        return self.titles.get(lang) or self.titles["en"]


FACETS: tuple[Facet, ...] = (
    Facet("type", {"en": "Type", "de": "Art"}, source="dcat:Dataset or mls:MLModel"),
    Facet("health_category", {"en": "Health category", "de": "Gesundheitsdatenkategorie"},
          source="healthdcatap:healthCategory"),
    Facet("theme", {"en": "Theme", "de": "Thema"}, source="dcat:theme"),
    Facet("access_rights", {"en": "Access rights", "de": "Zugangsrechte"},
          source="dct:accessRights"),
    Facet("publisher", {"en": "Publisher", "de": "Herausgeber"}, source="dct:publisher"),
    Facet("coding_system", {"en": "Coding system", "de": "Kodiersystem"},
          source="healthdcatap:hasCodingSystem"),
    Facet("standard", {"en": "Standard or format", "de": "Standard oder Format"},
          source="dct:conformsTo, dcat:distribution/dct:format"),
    Facet("language", {"en": "Language", "de": "Sprache"}, source="dct:language"),
    Facet("task", {"en": "AI task", "de": "KI-Aufgabe"},
          source="kimed:task, mls:implements (algorithms)"),
    Facet("modality", {"en": "Modality", "de": "Modalität"},
          source="kimed:inputModality, kimed:outputModality (algorithms)"),
    Facet("regulatory_status", {"en": "Regulatory status", "de": "Regulatorischer Status"},
          source="kimed:regulatoryClass (algorithms)"),
    Facet("licence", {"en": "Licence", "de": "Lizenz"}, source="dct:license (algorithms)"),
    Facet("runnable_in_spe", {"en": "Runnable in the KIMed SPE",
                              "de": "Im KIMed-SPE ausführbar"},
          source="kimed:runnableInSPE (algorithms)"),
    Facet("population", {"en": "Number of individuals", "de": "Anzahl der Personen"},
          source="healthdcatap:numberOfUniqueIndividuals"),
    Facet("age", {"en": "Age range", "de": "Altersbereich"}, kind="range",
          source="healthdcatap:minTypicalAge, healthdcatap:maxTypicalAge"),
    Facet("temporal", {"en": "Time covered", "de": "Zeitraum"}, kind="range",
          source="dct:temporal"),
)
FACET_KEYS = tuple(f.key for f in FACETS)
VALUE_FACETS = tuple(f.key for f in FACETS if f.kind == "value")


def facet(key: str) -> Facet:
    return next(f for f in FACETS if f.key == key)


# (value, lower bound inclusive, upper bound exclusive, en label, de label)
POPULATION_BANDS = (
    ("lt1k", 0, 1_000, "fewer than 1,000", "weniger als 1.000"),
    ("1k-10k", 1_000, 10_000, "1,000 – 9,999", "1.000 – 9.999"),
    ("10k-100k", 10_000, 100_000, "10,000 – 99,999", "10.000 – 99.999"),
    ("100k-1m", 100_000, 1_000_000, "100,000 – 999,999", "100.000 – 999.999"),
    ("ge1m", 1_000_000, None, "1,000,000 or more", "1.000.000 oder mehr"),
)
# (value, min age, max age, en, de): inclusive ages in years
AGE_BANDS = (
    ("0-17", 0, 17, "children (0–17)", "Kinder (0–17)"),
    ("18-64", 18, 64, "adults (18–64)", "Erwachsene (18–64)"),
    ("65-", 65, None, "older adults (65+)", "Ältere (65+)"),
)
# (value, first year, last year, en, de)
TEMPORAL_BANDS = (
    ("-1999", None, 1999, "before 2000", "vor 2000"),
    ("2000-2009", 2000, 2009, "2000–2009", "2000–2009"),
    ("2010-2019", 2010, 2019, "2010–2019", "2010–2019"),
    ("2020-", 2020, None, "2020 and later", "ab 2020"),
)
BAND_LABELS = {
    (key, band[0]): {"en": band[3], "de": band[4]}
    for key, bands in (("population", POPULATION_BANDS), ("age", AGE_BANDS),
                       ("temporal", TEMPORAL_BANDS))
    for band in bands
}
FIXED_LABELS = {
    ("type", "dataset"): {"en": "Dataset", "de": "Datensatz"},
    ("type", "algorithm"): {"en": "AI algorithm", "de": "KI-Algorithmus"},
    ("runnable_in_spe", "true"): {"en": "yes", "de": "ja"},
    ("runnable_in_spe", "false"): {"en": "no", "de": "nein"},
}
# Common licences by the IRIs that records use for them (SPDX identifiers as labels).
LICENCE_LABELS = {
    "https://www.apache.org/licenses/LICENSE-2.0": "Apache-2.0",
    "http://www.apache.org/licenses/LICENSE-2.0": "Apache-2.0",
    "https://opensource.org/licenses/MIT": "MIT",
    "https://opensource.org/licenses/BSD-3-Clause": "BSD-3-Clause",
    "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html": "GPL-2.0",
    "https://www.gnu.org/licenses/gpl-3.0.html": "GPL-3.0",
    "https://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0",
    "https://creativecommons.org/licenses/by-nc/4.0/": "CC-BY-NC-4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "CC-BY-SA-4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0-1.0",
}
BAND_ORDER = {key: [b[0] for b in bands] for key, bands in
              (("population", POPULATION_BANDS), ("age", AGE_BANDS),
               ("temporal", TEMPORAL_BANDS))}


def population_band(n: int | None) -> str | None:
    if n is None:
        return None
    return next(b[0] for b in POPULATION_BANDS if n >= b[1] and (b[2] is None or n < b[2]))


def age_overlaps(lo: int | None, hi: int | None, a: int | None, b: int | None) -> bool:
    """Whether the record's ages [lo, hi] overlap [a, b]; a missing bound is open."""
    return (lo is None or b is None or lo <= b) and (hi is None or a is None or hi >= a)


def age_bands(lo: int | None, hi: int | None) -> list[str]:
    if lo is None and hi is None:
        return []
    return [b[0] for b in AGE_BANDS if age_overlaps(lo, hi, b[1], b[2])]


def temporal_bands(periods: list[tuple[date | None, date | None]]) -> list[str]:
    out = []
    for value, first, last, _en, _de in TEMPORAL_BANDS:
        lo = date(first, 1, 1) if first else None
        hi = date(last, 12, 31) if last else None
        if any((s is None or hi is None or s <= hi) and (e is None or lo is None or e >= lo)
               for s, e in periods):
            out.append(value)
    return out


def publisher_label(agent: dict) -> str:
    """What ``search_values.label`` stores for a publisher: its agent (IRI, names, ...) as JSON."""
    return json.dumps({k: v for k, v in agent.items() if v not in (None, {}, [])},
                      sort_keys=True, ensure_ascii=False)


def _years(day: str | date | None) -> date | None:
    if day is None or isinstance(day, date):
        return day
    return date.fromisoformat(day[:10])


def facet_rows(p: dict) -> list[tuple[str, str, str | None]]:
    """The (facet, value, label) rows of one projection (the JSON form of a DatasetRecord).

    ``label`` is the publisher's agent as JSON, None for every other value. Indexing reads the
    stored JSON directly: validating each projection with pydantic again would cost more than the
    rest of indexing together.
    """
    rows: list[tuple[str, str, str | None]] = [("type", "dataset", None)]
    add = rows.append
    for uri in p.get("health_categories") or ():
        add(("health_category", uri, None))
    for uri in p.get("themes") or ():
        add(("theme", uri, None))
    for uri in p.get("health_themes") or ():  # no panel: its labels make records findable
        add(("health_theme", uri, None))
    if p.get("access_rights"):
        add(("access_rights", p["access_rights"], None))
    agent = p.get("publisher")
    if agent:
        name = agent.get("name") or {}
        value = agent.get("iri") or pick(name) or None
        if value:
            add(("publisher", value, publisher_label(agent)))
    for uri in p.get("coding_systems") or ():
        add(("coding_system", uri, None))
    formats = [d.get("format") for d in p.get("distributions") or () if d.get("format")]
    for uri in sorted({*(p.get("standards") or ()), *formats}):
        add(("standard", uri, None))
    for uri in p.get("languages") or ():
        add(("language", uri, None))
    band = population_band(p.get("number_of_unique_individuals"))
    if band:
        add(("population", band, None))
    for band in age_bands(p.get("min_typical_age"), p.get("max_typical_age")):
        add(("age", band, None))
    periods = [(_years(t.get("start")), _years(t.get("end"))) for t in p.get("temporal") or ()]
    for band in temporal_bands(periods):
        add(("temporal", band, None))
    return list(dict.fromkeys(rows))


def facet_values(record: DatasetRecord) -> list[tuple[str, str, str | None]]:
    """The (facet, value, label) rows of one record (see :func:`facet_rows`)."""
    return facet_rows(record.model_dump(mode="json"))


def value_label(facet_key: str, value: str, stored: str | None, lang: str) -> str:
    """A human label for a facet value in ``lang``: vocabulary label, band label, or stored name."""
    from kimed.vocab import lookup

    band = BAND_LABELS.get((facet_key, value)) or FIXED_LABELS.get((facet_key, value))
    if band:
        return band.get(lang) or band["en"]
    if facet_key == "licence" and value in LICENCE_LABELS:
        return LICENCE_LABELS[value]
    concept = lookup(value)
    if concept is not None:
        return concept.label(lang)
    if stored:
        try:
            names = json.loads(stored)
        except ValueError:
            names = None
        if isinstance(names, dict) and ("iri" in names or isinstance(names.get("name"), dict)):
            names = names.get("name") or {}  # a publisher's agent
        if isinstance(names, dict) and names:
            return pick(names, lang) or value
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or value
