"""Corpus readers on the real corpora (via ``shared_data``) and on bad hand-made input."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from kimed.pipelines.deid.corpus import CorpusError, read_grascco_jsonl, read_physionet_deid
from kimed.pipelines.deid.labels import I2B2_CATEGORIES, PHI_LABELS, TO_I2B2, to_i2b2


def test_tagset_matches_file(shared_data: Path) -> None:
    layers = json.loads((shared_data / "deid/grascco_phi/phi_layer_tagset.json").read_text("utf-8"))
    tags = [t["tag_name"] for t in layers[0]["features"][0]["tag_set"]["tags"]]
    assert sorted(tags) == sorted(PHI_LABELS)
    assert len(PHI_LABELS) == len(set(PHI_LABELS)) == 24


def test_i2b2_mapping() -> None:
    assert set(TO_I2B2) == set(PHI_LABELS)
    for mapped in TO_I2B2.values():
        if mapped is not None:
            assert mapped.category in I2B2_CATEGORIES
            assert mapped.subtype is None or mapped.subtype in I2B2_CATEGORIES[mapped.category]
    assert to_i2b2("LOCATION_ZIP") == ("LOCATION", "ZIP")
    with pytest.raises(KeyError, match="unknown PHI label"):
        to_i2b2("NOPE")


def test_grascco(shared_data: Path) -> None:
    path = shared_data / "deid/grascco_phi/grascco_phi.jsonl"
    docs = read_grascco_jsonl(path)
    raw = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert len(docs) == len(raw)
    assert sum(len(d.spans) for d in docs) == sum(len(r["entities"]) for r in raw)
    raw_labels = Counter(e["label"] for r in raw for e in r["entities"])
    ours = Counter(s.label for d in docs for s in d.spans)
    assert ours["DATE"] == raw_labels["DATE"]
    assert ours["OTHER"] == raw_labels["OTHER"] + raw_labels["UNLABELED"]
    assert set(ours) <= set(PHI_LABELS)
    for d in docs:
        for s in d.spans:
            assert 0 <= s.start < s.end <= len(d.text)


def test_physionet(shared_data: Path) -> None:
    folder = shared_data / "deid/physionet_deid_nursing"
    docs = read_physionet_deid(folder)
    text = (folder / "id.text").read_text("utf-8")
    assert len(docs) == len(re.findall(r"^START_OF_RECORD=", text, re.M))
    with (folder / "id-phi.phrase").open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter=" ") if r]
    assert sum(len(d.spans) for d in docs) == len(rows)
    ours = Counter(s.label for d in docs for s in d.spans)
    assert ours["NAME_DOCTOR"] == sum(r[4] == "HCPName" for r in rows)
    assert set(ours) <= set(PHI_LABELS)
    by_id = {d.id: d for d in docs}
    for r in rows:  # the phrase file's surface text is what our offsets select
        assert by_id[f"{r[0]}-{r[1]}"].text[int(r[2]) : int(r[3])] == " ".join(r[5:])


def _jsonl(tmp_path: Path, entity: dict) -> Path:
    path = tmp_path / "bad.jsonl"
    good = {"id": "ok", "text": "Herr Albers", "entities": []}
    bad = {"id": "doc7", "text": "Herr Albers", "entities": [entity]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entity", "rule"),
    [
        ({"start": 5, "end": 40, "label": "NAME_PATIENT"}, "offsets-in-text"),
        ({"start": 5, "end": 11, "label": "NAME_PET"}, "known-label"),
        ({"start": 5, "end": 11, "label": "NAME_PATIENT", "text": "Meier"}, "span-text-matches"),
    ],
)
def test_grascco_bad_input(tmp_path: Path, entity: dict, rule: str) -> None:
    path = _jsonl(tmp_path, entity)
    with pytest.raises(CorpusError) as err:
        read_grascco_jsonl(path)
    msg = str(err.value)
    assert str(path) in msg and "line 2" in msg and "'doc7'" in msg and rule in msg
    assert err.value.rule == rule


def test_physionet_bad_input(tmp_path: Path) -> None:
    (tmp_path / "id.text").write_text(
        "START_OF_RECORD=3||||1||||\nSEEN BY DR SMITH.\n||||END_OF_RECORD\n", encoding="utf-8"
    )
    (tmp_path / "id-phi.phrase").write_text("3 1 11 16 HCPName SMITH\n3 1 11 99 HCPName SMITH\n")
    with pytest.raises(CorpusError) as err:
        read_physionet_deid(tmp_path)
    msg = str(err.value)
    assert (
        "id-phi.phrase" in msg and "line 2" in msg and "'3-1'" in msg and "offsets-in-text" in msg
    )
    (tmp_path / "id-phi.phrase").write_text("3 2 11 16 HCPName SMITH\n")
    with pytest.raises(CorpusError, match="known-document"):
        read_physionet_deid(tmp_path)
