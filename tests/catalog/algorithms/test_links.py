"""Dataset links: resolution by IRI and identifier, external links, broken links, "could apply"."""

from __future__ import annotations

import pytest

from kimed.catalog.algorithms.importer import ImportRefused, import_algorithms
from kimed.catalog.algorithms.links import (
    algorithms_for_dataset,
    could_apply,
    datasets_for_algorithm,
)
from kimed.catalog.algorithms.model import AlgorithmRecord, Modality
from kimed.catalog.algorithms.store import delete_algorithm, get_algorithm, links_of
from kimed.catalog.projection import DatasetRecord
from kimed.catalog.store import get_dataset

from .conftest import DATA, algorithm_snapshot

DCM = "http://dicom.nema.org/resources/ontology/DCM/"
AIM = "https://w3id.org/kimed/vocab/ai-modalities/"


def _import(db, *names):
    with db.session() as session:
        return import_algorithms(session, [DATA / n for n in names])


def test_links_resolve_by_iri_and_identifier(with_datasets):
    _import(with_datasets, "mri-defacer.ttl", "clinical-deid.jsonld")
    with with_datasets.session() as session:
        defacer = {(lk.relation, lk.dataset_iri, lk.external)
                   for lk in links_of(session, get_algorithm(session, "test-mri-defacer"))}
        deid = {(lk.relation, lk.target_iri, lk.dataset_iri, lk.external)
                for lk in links_of(session, get_algorithm(session, "test-clinical-deid"))}
    assert defacer == {
        ("trainedOn", "https://w3id.org/kimed/dataset/test-brain-mri", False),
        ("testedOn", "https://huggingface.co/datasets/example/ixi-subset", True)}
    # the record names the corpus by its own IRI; its dct:identifier finds the catalogue dataset
    assert deid == {("trainedOn", "https://tests.kimed.example/corpus/notes-v1",
                     "https://w3id.org/kimed/dataset/test-clinical-notes", False)}


def test_datasets_for_algorithm_and_back(with_datasets):
    _import(with_datasets, "mri-defacer.ttl", "clinical-deid.jsonld",
            "hf-chest-xray/README.md")
    with with_datasets.session() as session:
        for_defacer = datasets_for_algorithm(session, get_algorithm(session, "test-mri-defacer"))
        brain = get_dataset(session, "test-brain-mri")
        for_brain = algorithms_for_dataset(session, brain)
        for_ct = algorithms_for_dataset(session, get_dataset(session, "test-chest-ct"))
        for_notes = algorithms_for_dataset(session, get_dataset(session, "test-clinical-notes"))
    assert [m.identifier for m in for_defacer] == ["test-brain-mri"]
    assert for_defacer[0].relations == ["trainedOn"]
    assert "modality: mri" in for_defacer[0].reasons
    assert [m.identifier for m in for_brain] == ["test-mri-defacer"]
    # the X-ray model was trained on the CT dataset (declared), but cannot apply to CT
    (xray,) = for_ct
    assert xray.relations == ["trainedOn"] and not xray.could_apply
    assert [m.identifier for m in for_notes] == ["test-clinical-deid"]
    assert for_notes[0].could_apply


def _alg(*concepts, title="model", categories=()):
    return AlgorithmRecord(iri="urn:a", identifier="a", title={"en": title},
                           input_modalities=[Modality(concepts=list(concepts))],
                           health_categories=list(categories))


def _ds(**kw):
    return DatasetRecord(iri="urn:d", identifier="d", **kw)


@pytest.mark.parametrize(("alg", "ds", "applies"), [
    (_alg(DCM + "MR"), _ds(standards=["https://nifti.nimh.nih.gov/"]), True),
    (_alg(DCM + "MR"), _ds(keywords={"en": ["CT"]},
                            standards=["https://hdeu-dcat.data.health.europa.eu/resource/"
                                       "authority/standard/DICOM"]), False),
    (_alg(DCM + "CT"), _ds(standards=["https://hdeu-dcat.data.health.europa.eu/resource/"
                                      "authority/standard/DICOM"]), True),
    (_alg(AIM + "radiology", title="Spleen CT segmentation"), _ds(keywords={"en": ["MRI"]}), False),
    (_alg(AIM + "clinical-text"), _ds(keywords={"de": ["Arztbrief"]}), True),
    (_alg(AIM + "clinical-text"), _ds(keywords={"en": ["MRI"]}), False),
    (_alg(AIM + "tabular"), _ds(standards=["https://hdeu-dcat.data.health.europa.eu/resource/"
                                           "authority/standard/OMOP-CDM"]), True),
    (_alg(AIM + "ecg"), _ds(title={"en": "Resting ECG cohort"}), True),
    (_alg(), _ds(keywords={"en": ["MRI"]}), False),
])
def test_could_apply_rule(alg, ds, applies):
    score, reasons = could_apply(alg, ds)
    assert bool(reasons) is applies and (score > 0) is applies


def test_shared_health_category_ranks_higher():
    cat = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS"
    plain = could_apply(_alg(AIM + "ehr"), _ds(health_categories=[cat]))
    both = could_apply(_alg(AIM + "ehr", categories=[cat]), _ds(health_categories=[cat]))
    assert both[0] == plain[0] + 1 and "health category: EHRS" in both[1]


def test_broken_internal_link_refuses_everything(with_datasets, tmp_path):
    text = (DATA / "mri-defacer.ttl").read_text().replace(
        "mldcat:trainedOn kd:test-brain-mri", "mldcat:trainedOn kd:test-missing")
    bad = tmp_path / "broken.ttl"
    bad.write_text(text)
    before = algorithm_snapshot(with_datasets)
    with pytest.raises(ImportRefused) as info:
        _import(with_datasets, "clinical-deid.jsonld", str(bad))
    message = str(info.value)
    assert "broken.ttl" in message and "mldcat:trainedOn" in message
    assert "https://w3id.org/kimed/dataset/test-missing" in message and "broken link" in message
    assert algorithm_snapshot(with_datasets) == before


def test_delete_removes_links(with_datasets):
    _import(with_datasets, "mri-defacer.ttl")
    with with_datasets.session() as session:
        delete_algorithm(session, "test-mri-defacer")
    assert algorithm_snapshot(with_datasets) == []
