"""Bad input is refused with an error naming file, field and rule; nothing is half-imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.catalog.algorithms.importer import ImportRefused, import_algorithms

from .conftest import DATA, algorithm_snapshot

CARD = (DATA / "hf-chest-xray" / "README.md").read_text(encoding="utf-8")
DEFACER = (DATA / "mri-defacer.ttl").read_text(encoding="utf-8")
DEID = (DATA / "clinical-deid.jsonld").read_text(encoding="utf-8")

# (file name, content, fragments the message must contain)
CASES = {
    "bad-yaml": ("README.md", "---\nlicense: [mit\n---\n# x\n", ["malformed YAML", "line"]),
    "no-front-matter": ("README.md", "# A model\n\nNo metadata.\n", ["no YAML front matter"]),
    "unclosed-front-matter": ("README.md", "---\nlicense: mit\n# A model\n", ["not closed"]),
    "front-matter-not-mapping": ("README.md", "---\n- a\n- b\n---\n", ["not a mapping"]),
    "model-index-not-list": ("README.md", CARD.replace("model-index:\n  - name",
                                                       "model-index:\n    name"),
                             ["model-index", "expected a list"]),
    "metric-value-text": ("README.md", CARD.replace("value: 0.93", "value: high"),
                          ["model-index[0].results[0].metrics[0].value", "not a number"]),
    "metrics-not-list": ("README.md", CARD.replace(
        "        metrics:\n          - type: accuracy\n            value: 0.95",
        "        metrics: accuracy"), ["model-index[0].results[1]", "list 'metrics'"]),
    "datasets-wrong-type": ("README.md", CARD.replace("  - test-chest-ct", "  - {a: 1}"),
                            ["datasets", "expected text"]),
    "unknown-licence": ("README.md", CARD.replace("license: apache-2.0", "license: nonsense-1"),
                        ["license", "'nonsense-1'", "Hugging Face"]),
    "unknown-pipeline-tag": ("README.md", CARD.replace("pipeline_tag: image-classification",
                                                       "pipeline_tag: teleportation"),
                             ["pipeline_tag", "'teleportation'"]),
    "unknown-task-code": ("README.md", CARD.replace("  version: \"1.0\"",
                                                    "  version: \"1.0\"\n  task: telepathy"),
                          ["kimed.task", "'telepathy'", "ai-tasks"]),
    "unknown-modality-code": ("README.md", CARD.replace("input_modality: [DX, CR]",
                                                        "input_modality: [DX, XYZ]"),
                              ["kimed.input_modality", "'XYZ'", "ai-modalities"]),
    "unknown-kimed-field": ("README.md", CARD.replace("  version:", "  colour: red\n  version:"),
                            ["kimed.colour", "unknown field"]),
    "created-not-date": ("README.md", CARD.replace("created: 2025-02-14", "created: soon"),
                         ["kimed.created", "not a date"]),
    "unknown-modality-uri": ("model.ttl", DEFACER.replace("ai-modalities/radiology",
                                                          "ai-modalities/telepathy"),
                             ["ai-modalities/telepathy", "ai-modalities"]),
    "unknown-task-uri": ("model.ttl", DEFACER.replace("ai-tasks/defacing", "ai-tasks/juggling"),
                         ["kimed:task", "ai-tasks/juggling", "ai-tasks"]),
    "ill-typed-parameters": ("model.ttl", DEFACER.replace('"31000000"^^xsd:nonNegativeInteger',
                                                          '"many"^^xsd:nonNegativeInteger'),
                             ["totalNumberOfParameters", "'many'", "XML Schema"]),
    "spe-not-boolean": ("model.ttl", DEFACER.replace("kimed:runnableInSPE true",
                                                     'kimed:runnableInSPE "yes"'),
                        ["kimed:runnableInSPE", "xsd:boolean"]),
    "bad-turtle": ("model.ttl", DEFACER.replace("ka:test-mri-defacer a", "ka:test-mri-defacer"),
                   ["malformed Turtle"]),
    "two-identifiers": ("model.ttl", DEFACER.replace('dct:identifier "test-mri-defacer" ;',
                                                     'dct:identifier "a" , "b" ;'),
                        ["dct:identifier", "at most one"]),
    "no-model": ("model.ttl", "@prefix dct: <http://purl.org/dc/terms/> .\n"
                 "<urn:x> dct:title \"x\" .\n", ["no mldcat:MachineLearningModel"]),
    "unknown-remote-context": ("model.jsonld", DEID.replace(
        "https://semiceu.github.io/MLDCAT-AP/releases/3.1.0/context/mldcat-ap.jsonld",
        "https://example.org/context.jsonld"), ["remote JSON-LD @context", "network"]),
    "unknown-import": ("model.jsonld", '{"@context": {"@import": "https://example.org/c.jsonld"},'
                       ' "@id": "urn:x"}', ["@import", "network"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_and_changes_nothing(with_datasets, tmp_path, case):
    name, content, fragments = CASES[case]
    folder = tmp_path / case
    folder.mkdir()
    bad = folder / name
    bad.write_text(content, encoding="utf-8")
    good = DATA / "clinical-deid.jsonld"
    before = algorithm_snapshot(with_datasets)
    with pytest.raises(ImportRefused) as info, with_datasets.session() as session:
        import_algorithms(session, [good, bad])
    message = "\n".join(str(p) for p in info.value.problems)
    assert str(bad) in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert algorithm_snapshot(with_datasets) == before


def test_missing_file_is_refused(db, tmp_path):
    with pytest.raises(ImportRefused, match="no such file"), db.session() as session:
        import_algorithms(session, [Path(tmp_path / "absent.ttl")])


def test_duplicate_identifier_against_catalogue(with_datasets, tmp_path):
    with with_datasets.session() as session:
        import_algorithms(session, [DATA / "mri-defacer.ttl"])
    other = tmp_path / "other.ttl"
    other.write_text(DEFACER.replace("ka:test-mri-defacer a", "ka:other-defacer a").replace(
        "ka:test-mri-defacer", "ka:other-defacer"), encoding="utf-8")
    before = algorithm_snapshot(with_datasets)
    with pytest.raises(ImportRefused, match="duplicate dct:identifier 'test-mri-defacer'"), \
            with_datasets.session() as session:
        import_algorithms(session, [other])
    assert algorithm_snapshot(with_datasets) == before
