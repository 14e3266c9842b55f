"""Importing MLDCAT-AP RDF, FAIR4ML JSON-LD and Hugging Face model cards; lossless round trips."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kimed.catalog.algorithms.context import mldcat_context, resolve_contexts
from kimed.catalog.algorithms.importer import ImportRefused, import_algorithms, read_graph
from kimed.catalog.algorithms.rdf import FAIR4ML, MLDCAT, SCHEMA
from kimed.catalog.algorithms.store import export_graph, get_algorithm, record_of
from kimed.catalog.rdfio import parse_text, serialize

from .conftest import DATA

MODEL_EXAMPLES = ["example-machinelearningmodel-eosc.ttl", "example-machinelearningmodel-eosc.jsonld",
                  "example-machinelearningmodel-hf-apertus.ttl",
                  "example-machinelearningmodel-hf-apertus.jsonld", "eosc-mldcat-ap.jsonld"]
AI = "https://w3id.org/kimed/vocab/ai-tasks/"


def _import(db, *paths, **kw):
    with db.session() as session:
        return import_algorithms(session, list(paths), **kw)


@pytest.mark.parametrize("name", MODEL_EXAMPLES)
def test_official_examples_import(db, mldcat, name):
    report = _import(db, mldcat / "examples" / name)
    assert len(report.records) == 1
    with db.session() as session:
        row = get_algorithm(session, report.records[0].identifier)
        assert row.title
        record = record_of(row)
    assert record.dataset_iris("trainedOn")


def test_official_example_projection(db, mldcat):
    _import(db, mldcat / "examples" / "example-machinelearningmodel-hf-apertus.ttl")
    with db.session() as session:
        record = record_of(get_algorithm(session, "swiss-ai/Apertus-70B-2509"))
    assert record.parameters == 70_000_000_000
    assert record.version == "Apertus 1"
    assert len(record.dataset_iris("trainedOn")) == 13
    assert record.providers[0].name == {"": "Swiss National AI Institute (SNAI)"}
    assert record.files[0].identifier == "model-00001-of-00030.safetensors"


def test_official_dataset_example_is_refused_as_no_model(db, mldcat):
    with pytest.raises(ImportRefused, match="no mldcat:MachineLearningModel"):
        _import(db, mldcat / "examples" / "example-dataset.ttl")


def test_shipped_context_matches_published_context(mldcat):
    published = json.loads((mldcat / "context" / "mldcat-ap.jsonld").read_text())["@context"]
    ours = mldcat_context()
    assert set(ours) == set(published)
    for term, value in published.items():
        if isinstance(value, str):
            assert ours[term] == value, term
        else:
            assert ours[term]["@id"] == value["@id"], term
            assert ours[term].get("@type") == value.get("@type"), term


@pytest.mark.parametrize("name", ["example-machinelearningmodel-eosc",
                                  "example-machinelearningmodel-hf-apertus"])
def test_jsonld_examples_give_the_turtle_graph(mldcat, name):
    path = mldcat / "examples" / f"{name}.jsonld"
    graph = parse_text(resolve_contexts(path.read_text(), str(path)), str(path), "jsonld")
    assert isomorphic(graph, Graph().parse(mldcat / "examples" / f"{name}.ttl"))


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "xml", "nt"])
@pytest.mark.parametrize("name", ["mri-defacer.ttl", "clinical-deid.jsonld"])
def test_round_trip_is_isomorphic(with_datasets, name, fmt):
    source = read_graph(DATA / name, None, 10**7)
    _import(with_datasets, DATA / name)
    with with_datasets.session() as session:
        exported = serialize(export_graph(session), fmt)
    back = parse_text(exported, "<export>", fmt)
    assert isomorphic(back, source)
    assert (None, URIRef("https://tests.kimed.example/unmodelledProperty"), None) in back or \
        name != "mri-defacer.ttl"


def test_official_example_round_trip(db, mldcat):
    path = mldcat / "examples" / "example-machinelearningmodel-eosc.ttl"
    _import(db, path)
    with db.session() as session:
        assert isomorphic(export_graph(session), read_graph(path, None, 10**7))


def test_reimport_updates(with_datasets):
    _import(with_datasets, DATA / "mri-defacer.ttl")
    report = _import(with_datasets, DATA / "mri-defacer.ttl")
    assert report.records[0].action == "updated"


def test_health_extension_projection(with_datasets):
    _import(with_datasets, DATA / "mri-defacer.ttl")
    with with_datasets.session() as session:
        record = record_of(get_algorithm(session, "test-mri-defacer"))
    assert record.tasks == [AI + "defacing"]
    assert record.runnable_in_spe and record.pipeline == "deface"
    assert record.regulatory.ce_marked is False
    assert len(record.regulatory.classes) == 2
    assert record.use_cases[0].publication == "https://doi.org/10.0000/kimed-test"
    assert record.evaluation[0].metric == "dice" and record.evaluation[0].value == 0.97
    assert record.evaluation[0].split == "test"
    assert record.modality_concepts() == ["http://dicom.nema.org/resources/ontology/DCM/MR"]
    assert record.parameters == 31_000_000


def test_hugging_face_model_card(with_datasets):
    report = _import(with_datasets, DATA / "hf-chest-xray" / "README.md")
    outcome = report.records[0]
    assert outcome.identifier == "kimed-test/vit-chest-xray"
    with with_datasets.session() as session:
        record = record_of(get_algorithm(session, outcome.identifier))
    assert record.iri == "https://huggingface.co/kimed-test/vit-chest-xray"
    assert record.licenses == ["http://spdx.org/licenses/Apache-2.0"]
    assert record.tasks == [AI + "classification"]
    assert record.fine_tuned_from == "https://huggingface.co/google/vit-base-patch16-224"
    assert record.version == "1.0" and str(record.created) == "2025-02-14"
    assert record.intended_use == ["Research on triage of chest radiographs."]
    assert record.limitations and record.how_to_use
    results = {(e.metric, e.split, e.value) for e in record.evaluation}
    assert results == {("accuracy", "test", 0.93), ("f1", "test", 0.91),
                       ("accuracy", "validation", 0.95)}
    relations = {(d.relation, d.iri) for d in record.datasets}
    hub = "https://huggingface.co/datasets/example/chest-xray-pneumonia"
    assert {("trainedOn", hub), ("testedOn", hub), ("validatedOn", hub)} <= relations
    links = {(link["relation"], link["dataset_iri"], link["external"]) for link in outcome.links}
    assert ("trainedOn", "https://w3id.org/kimed/dataset/test-chest-ct", False) in links
    assert ("trainedOn", hub, True) in links


def test_fair4ml_is_mapped_and_kept(db):
    path = DATA / "fair4ml-ecg.jsonld"
    _import(db, path)
    with db.session() as session:
        record = record_of(get_algorithm(session, "test-ecg-af"))
        graph = export_graph(session)
    model = URIRef("https://tests.kimed.example/models/ecg-af")
    assert record.version == "2.1" and str(record.created) == "2024-11-02"
    assert record.dataset_iris("trainedOn") == ["https://huggingface.co/datasets/example/ptb-xl"]
    assert record.evaluation[0].metric == "auroc" and record.evaluation[0].value == 0.97
    assert record.limitations == "Not validated on paced rhythms."
    assert record.files[0].url == "https://tests.kimed.example/models/ecg-af/model.onnx"
    # the original FAIR4ML triples survive next to the MLDCAT-AP ones
    assert (model, FAIR4ML.trainedOn, None) in graph
    assert (model, URIRef(str(SCHEMA).replace("http:", "https:") + "name"),
            Literal("Test ECG atrial fibrillation detector")) in graph
    assert (model, MLDCAT.trainedOn, None) in graph


def test_search_entry_has_text_and_facets(with_datasets):
    from kimed.catalog.search.algorithm_index import document, facet_rows

    _import(with_datasets, DATA / "mri-defacer.ttl")
    with with_datasets.session() as session:
        projection = get_algorithm(session, "test-mri-defacer").projection
    facets = {(f, v) for f, v, _label in facet_rows(projection)}
    assert ("runnable_in_spe", "true") in facets and ("type", "algorithm") in facets
    assert ("task", AI + "defacing") in facets
    assert ("modality", "http://dicom.nema.org/resources/ontology/DCM/MR") in facets
    text = document(projection)
    assert text["title"] == "test mri defac test mrt defac"  # both languages, stemmed
    assert "test" in text["extra"] and "defac" in text["extra"]


def test_strict_refuses_violations(db, tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# Tiny model\n\nNo files, no training data.\n")
    with pytest.raises(ImportRefused, match="--strict"):
        _import(db, card, strict=True)
    assert _import(db, card).records[0].violations > 0
