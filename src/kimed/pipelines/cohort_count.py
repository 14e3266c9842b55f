"""``cohort-count``: how many distinct persons of an OMOP CDM extract match a simple profile.

Reads ``person.csv`` (and, when conditions are asked, ``condition_occurrence.csv``) from anywhere
under the inputs directory, as OMOP CDM 5.3/5.4 CSV exports such as Eunomia ship them. Column
names are matched case-insensitively. The files are streamed row by row with the csv module.

A person matches when all of the asked parts hold:

* **age** at ``reference_date`` within ``age_min``..``age_max`` (inclusive), in completed years.
  The birth date is year_of_birth, month_of_birth and day_of_birth; a missing month counts as
  July, a missing day as the 1st. A person without a year of birth never matches an age bound;
* **sex**: ``male`` is gender_concept_id 8507, ``female`` 8532; ``any`` asks nothing;
* **conditions**: at least one condition_occurrence whose condition_concept_id is one of
  ``concept_ids``, whose condition_source_value equals one of ``source_codes``, or starts with one
  of ``source_prefixes`` (compared without dots and case, so ``I63`` matches ``I63.9``).

It writes ``count.json`` (``{"count": n, ...}``) into its output directory. That number is raw:
whoever runs the pipeline decides what may leave.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from kimed.pipelines.base import Param, Pipeline, PipelineError, Port, ProgressFn

MALE, FEMALE = 8507, 8532
SEX_CONCEPTS = {"male": MALE, "female": FEMALE}


def find_table(inputs: Path, table: str) -> Path | None:
    """The first ``<table>.csv`` under ``inputs`` (any case), in sorted order."""
    wanted = f"{table}.csv"
    for path in sorted(inputs.rglob("*")):
        if path.is_file() and path.name.lower() == wanted:
            return path
    return None


def rows(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a CSV file as dicts with lower-case column names."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        for row in reader:
            yield dict(zip(header, row, strict=False))


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def age_at(row: dict[str, str], reference: date) -> int | None:
    year = _int(row.get("year_of_birth"))
    if year is None:
        return None
    month = _int(row.get("month_of_birth")) or 7
    day = _int(row.get("day_of_birth")) or 1
    return reference.year - year - ((reference.month, reference.day) < (month, day))


def _norm(code: str) -> str:
    return code.replace(".", "").strip().upper()


class CohortCount(Pipeline):
    name = "cohort-count"
    version = "1.0"
    description = ("Counts distinct persons of an OMOP CDM extract by age at a reference date, "
                   "sex and condition codes; writes the raw count.")
    inputs = (Port("person", "**/person.csv", "OMOP CDM PERSON table"),
              Port("condition_occurrence", "**/condition_occurrence.csv",
                   "OMOP CDM CONDITION_OCCURRENCE table (only when conditions are asked)"))
    outputs = (Port("count", "count.json", "the raw count and the criteria it answers"),)
    parameters = (
        Param("reference_date", str, "", "ISO date of the age calculation (default: today)"),
        Param("age_min", int, None, "lowest age in completed years"),
        Param("age_max", int, None, "highest age in completed years"),
        Param("sex", str, "any", "any, female (8532) or male (8507)"),
        Param("concept_ids", list, [], "OMOP condition_concept_id values"),
        Param("source_codes", list, [], "condition_source_value values, matched exactly"),
        Param("source_prefixes", list, [], "condition_source_value prefixes (dots ignored)"),
    )

    def run(self, inputs: Path, output: Path, params: dict[str, Any],
            progress: ProgressFn) -> None:
        params = self.check_params({k: v for k, v in params.items() if v is not None})
        sex = params["sex"]
        if sex not in ("any", *SEX_CONCEPTS):
            raise PipelineError(f"cohort-count: sex must be any, female or male, not {sex!r}")
        try:
            reference = date.fromisoformat(params["reference_date"]) \
                if params["reference_date"] else date.today()
        except ValueError:
            raise PipelineError("cohort-count: reference_date must be an ISO date (YYYY-MM-DD)")\
                from None
        person_file = find_table(inputs, "person")
        if person_file is None:
            raise PipelineError("cohort-count: no person.csv under the inputs")
        progress(0.0, "reading person")
        persons = self._persons(person_file, reference, params["age_min"], params["age_max"],
                                SEX_CONCEPTS.get(sex))
        concepts = {str(c) for c in params["concept_ids"]}
        exact = {_norm(str(c)) for c in params["source_codes"]}
        prefixes = tuple(_norm(str(c)) for c in params["source_prefixes"])
        if concepts or exact or prefixes:
            cond_file = find_table(inputs, "condition_occurrence")
            if cond_file is None:
                raise PipelineError("cohort-count: conditions asked but no "
                                    "condition_occurrence.csv under the inputs")
            progress(0.5, "reading condition_occurrence")
            persons = self._with_condition(cond_file, persons, concepts, exact, prefixes)
        result = {"count": len(persons), "reference_date": reference.isoformat(),
                  "criteria": {k: params[k] for k in ("age_min", "age_max", "sex", "concept_ids",
                                                      "source_codes", "source_prefixes")}}
        (output / "count.json").write_text(json.dumps(result, sort_keys=True), encoding="utf-8")
        progress(1.0, "counted")

    @staticmethod
    def _persons(path: Path, reference: date, age_min: int | None, age_max: int | None,
                 gender: int | None) -> set[str]:
        found: set[str] = set()
        for row in rows(path):
            if gender is not None and _int(row.get("gender_concept_id")) != gender:
                continue
            if age_min is not None or age_max is not None:
                age = age_at(row, reference)
                if age is None or (age_min is not None and age < age_min) or \
                        (age_max is not None and age > age_max):
                    continue
            found.add(row.get("person_id", "").strip())
        found.discard("")
        return found

    @staticmethod
    def _with_condition(path: Path, persons: set[str], concepts: set[str], exact: set[str],
                        prefixes: tuple[str, ...]) -> set[str]:
        matched: set[str] = set()
        for row in rows(path):
            pid = row.get("person_id", "").strip()
            if pid not in persons or pid in matched:
                continue
            concept = str(_int(row.get("condition_concept_id")))
            source = _norm(row.get("condition_source_value") or "")
            if concept in concepts or (source and (source in exact or (
                    bool(prefixes) and source.startswith(prefixes)))):
                matched.add(pid)
        return matched
