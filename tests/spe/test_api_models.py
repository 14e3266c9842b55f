"""API of the operating models and of self-assessment scoring, over the shipped catalogue."""

from __future__ import annotations

from kimed.spe.requirements import load_catalogue
from kimed.spe.requirements.assessment import read_assessment, score


def test_operating_models_api_rates_every_requirement(client):
    cat = load_catalogue()
    data = client.get("/api/spe/operating-models").json()
    ids = {m["id"] for m in data["models"]}
    assert {"central-regional", "federated", "sovereign-cloud", "hybrid"} <= ids
    assert len(data["requirements"]) == len(cat.requirements)
    first = data["requirements"][0]
    assert set(first["ratings"]) == ids
    assert all(r["why"] and r["rating"] in ("supports", "partial", "not", "n.a.")
               for r in first["ratings"].values())


def test_gap_api_lists_weak_musts_and_refuses_unknown_models(client):
    everything = client.get("/api/spe/operating-models").json()
    federated = next(m for m in everything["models"] if m["id"] == "federated")
    gaps = client.get("/api/spe/operating-models/federated/gaps").json()
    assert {c: [g["id"] for g in items] for c, items in gaps["gaps"].items()} == federated["gaps"]
    rated = {r["id"]: r for r in everything["requirements"]}
    for items in gaps["gaps"].values():
        for gap in items:
            assert rated[gap["id"]]["level"] == "MUST"
            assert rated[gap["id"]]["ratings"]["federated"]["rating"] in ("not", "partial")
    missing = client.get("/api/spe/operating-models/nowhere/gaps")
    assert missing.status_code == 404 and "central-regional" in missing.text


def test_assessment_api_scores_like_the_library(client):
    cat = load_catalogue()
    ids = [r.id for r in cat.requirements[:3]]
    text = ("deployment: Test SPE\ndate: 2026-11-01\nassessor: A. Tester\nrequirements:\n"
            f"  {ids[0]}: {{score: 2, evidence: ['https://example.org/e']}}\n"
            f"  {ids[1]}: {{score: 1}}\n  {ids[2]}: {{score: na}}\n")
    answer = client.post("/api/spe/assessment", content=text.encode())
    assert answer.status_code == 200
    assert answer.json() == score(read_assessment(text, cat), cat).to_dict()
    assert answer.json()["deployment"] == "Test SPE"
    bad = client.post("/api/spe/assessment", content=b"requirements: [unclosed")
    assert bad.status_code == 422 and "YAML" in bad.text
