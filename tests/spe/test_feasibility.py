# ruff: noqa: F811  (fixtures imported from tests.spe.jobflow/jobkit are redefined as arguments)
"""Feasibility counts: the cohort-count job runs on the vault copy, only disclosure-controlled
values leave, queries are rate-limited, audited and answered the same way every time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kimed.catalog.suitability import ResearchProfile
from kimed.catalog.suitability.feasibility import FeasibilityProvider
from kimed.settings import get_settings
from kimed.spe import audit, feasibility
from kimed.spe.errors import SpeError
from kimed.spe.executors import HaltStore, LocalExecutor
from kimed.spe.feasibility_provider import SpeFeasibility, held, provider_for
from tests.spe.jobflow import master_key, work_dirs  # noqa: F401 (fixtures)
from tests.spe.jobkit import bwrap  # noqa: F401

MINI = Path(__file__).parents[1] / "data" / "omop-mini"
DATASET = "test-spe-stroke"
MALE = feasibility.Criteria(sex="male")  # persons 1, 4, 6 of omop-mini: raw count 3


@pytest.fixture
def settings_env(monkeypatch):
    def set_(**values):
        for key, value in values.items():
            monkeypatch.setenv(f"KIMED_SPE_FEASIBILITY_{key.upper()}", str(value))
        get_settings.cache_clear()
        return get_settings()
    return set_


@pytest.fixture
def held_mini(master_key):
    from kimed.spe.vault import Vault

    Vault.from_settings().put("cohorts", DATASET, [MINI / "person.csv",
                                                   MINI / "condition_occurrence.csv"],
                              uploader="olga")
    return DATASET


@pytest.fixture
def ex(bwrap):
    with LocalExecutor(workers=2, settings=get_settings(), halts=HaltStore()) as executor:
        yield executor


@pytest.mark.parametrize(("raw", "minimum", "base", "released"), [
    (7, 7, 5, None), (0, 7, 5, None), (8, 7, 5, 10), (12, 7, 5, 10), (13, 7, 5, 15),
    (8, 7, 10, 10), (12, 7, 10, 10), (16, 7, 10, 20), (3, 2, 5, 5), (9, 9, 5, None),
    (10, 9, 5, 10), (8, 7, 20, 20),  # never rounded down to the minimum or below
])
def test_disclosure_control(raw, minimum, base, released):
    assert feasibility.disclose(raw, minimum, base) == released


def test_a_count_is_suppressed_by_default_and_audited_without_the_raw_value(
        spe_db, people, held_mini, ex):
    with spe_db.session() as session:
        release = feasibility.count(session, "alice", DATASET, MALE, executor=ex)
    assert release.suppressed and release.text == "fewer than 8" and release.threshold == 8
    assert work_dirs() == []  # decrypted inputs and the raw output are gone
    with spe_db.session() as session:
        [entry] = audit.entries(session, "feasibility.count")
        assert entry.actor == "alice" and entry.object == f"dataset:{DATASET}"
        assert entry.details["released"]["value"] is None
        assert entry.details["criteria_digest"] == MALE.digest()
        assert audit.verify(session).ok


def test_settings_change_threshold_and_rounding_and_the_audit_holds_only_the_released_value(
        spe_db, people, held_mini, ex, settings_env):
    settings = settings_env(min=2, round=5)
    with spe_db.session() as session:
        release = feasibility.count(session, "alice", DATASET, MALE, executor=ex,
                                    settings=settings)
        assert release.value == 5 and release.rounded_to == 5  # raw 3, rounded up to 5
        [entry] = audit.entries(session, "feasibility.count")
    details = entry.details
    assert details["released"] == {"value": 5, "threshold": 3, "rounded_to": 5, "text": "5"}
    assert "count" not in json.dumps(details)  # no raw count under any key
    assert 3 not in [v for v in details["released"].values() if v != details["released"]
                     ["threshold"]]


def test_repeated_queries_get_the_same_answer_from_the_cache(spe_db, people, held_mini, ex,
                                                             settings_env):
    settings = settings_env(min=0, round=2)
    criteria = feasibility.Criteria(source_prefixes=("I63",))  # raw 3 -> 4 (base 2)
    with spe_db.session() as session:
        first = feasibility.count(session, "alice", DATASET, criteria, executor=ex,
                                  settings=settings)
        again = [feasibility.count(session, "bob", DATASET, criteria, executor=ex,
                                   settings=settings) for _ in range(3)]
        assert first.value == 4 and not first.cached
        assert all(r == first and r.cached for r in again)
        jobs_run = {e.details["job"] for e in audit.entries(session, "feasibility.count")}
        assert len(jobs_run) == 1  # one job, four answers


def test_the_rate_limit_refuses_the_21st_query_and_names_the_limit(spe_db, people, held_mini,
                                                                    ex):
    with spe_db.session() as session:
        for _ in range(20):
            feasibility.count(session, "alice", DATASET, MALE, executor=ex)
        with pytest.raises(SpeError, match="20 feasibility queries per hour") as err:
            feasibility.count(session, "alice", DATASET, MALE, executor=ex)
        assert err.value.field == "rate"
        assert feasibility.count(session, "bob", DATASET, MALE, executor=ex).suppressed
        refused = audit.entries(session, "feasibility.refused")
        assert [e.actor for e in refused] == ["alice"]


def test_who_may_ask(spe_db, people, held_mini, ex):
    with spe_db.session() as session:
        assert feasibility.may_ask(session, "alice") and not feasibility.may_ask(session, "eve")
        with pytest.raises(SpeError, match="may not ask"):
            feasibility.count(session, "eve", DATASET, MALE, executor=ex)
        assert provider_for(session, "eve") is None and provider_for(session, None) is None
        assert isinstance(provider_for(session, "alice"), FeasibilityProvider)


def test_provider_counts_held_datasets_and_says_not_available_for_others(
        spe_db, people, held_mini, ex, settings_env):
    settings = settings_env(min=1, round=1)
    assert held(settings.data_dir) == {DATASET}
    profile = ResearchProfile.model_validate(
        {"conditions": ["icd10:I63"], "population": {"sex": "female"}})
    with spe_db.session() as session:
        provider = SpeFeasibility(session, "alice", settings, executor=ex)
        result = provider.count_matching(DATASET, profile)
        assert result.available and result.count is None and result.below_threshold == 2
        other = provider.count_matching("not-in-vault", profile)
        assert not other.available and "not held" in other.reason
        category = ResearchProfile.model_validate({"conditions": ["hc:EHRS"]})
        assert not provider.count_matching(DATASET, category).available
        with pytest.raises(SpeError, match="not held"):
            feasibility.count(session, "alice", "not-in-vault", MALE, executor=ex)
