"""The cohort-count pipeline: hand-counted cases on a six-person OMOP extract written by us, and
Eunomia GiBleed (from ../shared/data) against a count computed independently in SQLite."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from kimed.pipelines.base import PipelineError, registry

MINI = Path(__file__).parents[1] / "data" / "omop-mini"
REF = "2020-06-30"


def run(inputs: Path, out: Path, **params) -> int:
    out.mkdir(parents=True, exist_ok=True)
    cls = registry.get("cohort-count")
    cls().run(inputs, out, {"reference_date": REF, **params}, lambda *a, **k: None)
    return json.loads((out / "count.json").read_text())["count"]


# Persons (age at 2020-06-30): 1 m 70 I63.9; 2 f 39 K92.2; 3 f 40 SNOMED 195662009 + I63.0;
# 4 m 19 (year only); 5 f 29 I10; 6 m 55 I63.9 twice.
CASES = [
    ({}, 6),
    ({"sex": "male"}, 3),
    ({"sex": "female"}, 3),
    ({"age_min": 40, "age_max": 70}, 3),       # 1, 3, 6
    ({"age_min": 39, "age_max": 39}, 1),       # 2: birthday on 1 July, one day later
    ({"age_min": 19, "age_max": 19}, 1),       # 4: born mid-year 2000
    ({"source_prefixes": ["I63"]}, 3),         # 1, 3, 6 (6 counted once)
    ({"source_prefixes": ["i639"]}, 2),        # dots and case ignored: 1, 6
    ({"source_prefixes": ["I63"], "sex": "female"}, 1),
    ({"concept_ids": [443454]}, 3),            # 1, 3, 6
    ({"source_codes": ["195662009"]}, 1),
    ({"source_codes": ["1956"]}, 0),           # exact codes are not prefixes
    ({"source_prefixes": ["I"], "age_max": 55}, 3),  # 3, 5, 6
]


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_hand_counted_cases(tmp_path, params, expected):
    assert run(MINI, tmp_path / "out", **params) == expected


def test_is_a_builtin_and_reports_its_criteria(tmp_path):
    assert "cohort-count" in registry.names()
    run(MINI, tmp_path / "out", sex="female", age_min=30)
    doc = json.loads((tmp_path / "out" / "count.json").read_text())
    assert doc["reference_date"] == REF and doc["criteria"]["sex"] == "female"
    assert doc["count"] == 2


def test_bad_parameters_and_missing_tables_are_refused(tmp_path):
    with pytest.raises(PipelineError, match="sex must be"):
        run(MINI, tmp_path / "a", sex="other")
    with pytest.raises(PipelineError, match="reference_date"):
        run(MINI, tmp_path / "b", reference_date="30.06.2020")
    only_person = tmp_path / "in"
    only_person.mkdir()
    (only_person / "PERSON.csv").write_text((MINI / "person.csv").read_text())
    assert run(only_person, tmp_path / "c", sex="male") == 3  # file name in any case
    with pytest.raises(PipelineError, match="condition_occurrence"):
        run(only_person, tmp_path / "d", source_prefixes=["I63"])


@pytest.fixture
def eunomia(shared_data, tmp_path) -> Path:
    archive = shared_data / "omop" / "GiBleed_5.3_csv.zip"
    inputs = tmp_path / "gibleed"
    with zipfile.ZipFile(archive) as z:
        for name in ("person.csv", "condition_occurrence.csv"):
            z.extract(name, inputs)
    return inputs


def sqlite_count(inputs: Path, sex: int, age_min: int, age_max: int, prefix: str) -> int:
    db = sqlite3.connect(":memory:")
    for table in ("person", "condition_occurrence"):
        with (inputs / f"{table}.csv").open(newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            db.execute(f"CREATE TABLE {table} ({', '.join(header)})")
            db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(header))})",
                           reader)
    query = """
        SELECT COUNT(DISTINCT p.person_id) FROM person p JOIN condition_occurrence c
          ON c.person_id = p.person_id
        WHERE CAST(p.gender_concept_id AS INTEGER) = :sex
          AND REPLACE(UPPER(c.condition_source_value), '.', '') LIKE :prefix || '%'
          AND (CAST(strftime('%Y', :ref) AS INTEGER) - CAST(p.year_of_birth AS INTEGER)
               - (strftime('%m-%d', :ref) < printf('%02d-%02d',
                    COALESCE(NULLIF(p.month_of_birth, ''), 7),
                    COALESCE(NULLIF(p.day_of_birth, ''), 1)))) BETWEEN :lo AND :hi"""
    return db.execute(query, {"sex": sex, "prefix": prefix, "ref": REF, "lo": age_min,
                              "hi": age_max}).fetchone()[0]


def test_eunomia_gibleed_matches_an_independent_sqlite_count(eunomia, tmp_path):
    ours = run(eunomia, tmp_path / "o1", sex="female", age_min=40, age_max=80,
               source_prefixes=["K92"])
    expected = sqlite_count(eunomia, 8532, 40, 80, "K92")
    assert ours == expected and ours > 0
    everyone = run(eunomia, tmp_path / "o2")
    with (eunomia / "person.csv").open(newline="") as fh:
        assert everyone == len({row["person_id"] for row in csv.DictReader(fh)}) == 2694
