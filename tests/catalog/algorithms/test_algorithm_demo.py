"""The demo algorithm records: real published medical AI algorithms and KIMed's demonstrators in
MLDCAT-AP 3.1.0, checked against the official SHACL shapes of the specification."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF

from kimed.catalog.algorithms.demo import demo_files
from kimed.catalog.demo import demo_files as dataset_demo_files

MLDCAT = Namespace("http://data.europa.eu/it6/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
KIMED = Namespace("https://w3id.org/kimed/ns#")
SH = Namespace("http://www.w3.org/ns/shacl#")
CATALOGUE_DATASET = "https://w3id.org/kimed/dataset/"
DEMONSTRATORS = {"kimed-deid": "deid", "kimed-deface": "deface", "kimed-phenotype": "phenotype",
                 "kimed-exposome": "exposome"}
VOCAB = Path(__file__).parents[3] / "src" / "kimed" / "vocab" / "data"

FILES = demo_files()


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _model(graph: Graph) -> URIRef:
    models = list(graph.subjects(RDF.type, MLDCAT.MachineLearningModel))
    assert len(models) == 1, f"expected one mldcat:MachineLearningModel, found {len(models)}"
    return models[0]


def test_at_least_20_real_algorithms_and_the_four_demonstrators() -> None:
    stems = {p.stem for p in FILES}
    assert set(DEMONSTRATORS) <= stems
    assert len(stems - set(DEMONSTRATORS)) >= 20


def test_demo_files_is_sorted_and_only_turtle() -> None:
    assert sorted(FILES) == FILES
    assert all(p.suffix == ".ttl" for p in FILES)


def test_identifiers_and_iris_are_unique() -> None:
    identifiers, iris = {}, {}
    for path in FILES:
        graph = _parse(path)
        model = _model(graph)
        identifier = str(graph.value(model, DCTERMS.identifier))
        assert identifier == f"kimed-alg:{path.stem}"
        assert str(model) == f"https://w3id.org/kimed/algorithm/{path.stem}"
        assert identifier not in identifiers, (path, identifiers.get(identifier))
        assert str(model) not in iris, (path, iris.get(str(model)))
        identifiers[identifier] = iris[str(model)] = path


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_record_content(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#") and "https://" in text.split("@prefix", 1)[0], \
        "header comment citing public sources is missing"
    graph = _parse(path)
    model = _model(graph)
    for prop in (DCTERMS.license, MLDCAT.hasProvider, MLDCAT.trainedOn, DCTERMS.created,
                 DCAT.version, MLDCAT.hasFile, MLDCAT.intendedUse, MLDCAT.modelArchitecture,
                 MLDCAT.hasInputModality, MLDCAT.hasOutputModality, KIMED.task,
                 KIMED.regulatoryStatus):
        assert graph.value(model, prop) is not None, f"{path.stem}: {prop} missing"
    assert {o.language for o in graph.objects(model, DCTERMS.description)} >= {"en", "de"}
    for provider in graph.objects(model, MLDCAT.hasProvider):
        assert graph.value(provider, FOAF.name) is not None
    licence = graph.value(model, DCTERMS.license)
    assert isinstance(licence, URIRef) and str(licence).startswith("https://")
    # A rule-based tool without training data says so explicitly.
    for target in graph.objects(model, MLDCAT.trainedOn):
        if isinstance(target, BNode):
            assert graph.value(model, KIMED.trainingNote) is not None or \
                graph.value(target, DCTERMS.description) is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_vocabulary_values(path: Path) -> None:
    tomllib = pytest.importorskip("tomllib")
    known = set()
    for name in ("ai-tasks", "ai-modalities", "regulatory-classes"):
        vocab = VOCAB / f"{name}.toml"
        if not vocab.is_file():
            pytest.skip(f"{vocab.name} is not there yet")
        known |= {c["uri"] for c in tomllib.loads(vocab.read_text(encoding="utf-8"))["concept"]}
    graph = _parse(path)
    model = _model(graph)
    used = set(graph.objects(model, KIMED.task)) | set(graph.objects(model, KIMED.regulatoryClass))
    for modality in (*graph.objects(model, MLDCAT.hasInputModality),
                     *graph.objects(model, MLDCAT.hasOutputModality)):
        used |= set(graph.objects(modality, MLDCAT.classification))
    assert {str(u) for u in used} <= known, {str(u) for u in used} - known


def test_demonstrators_are_runnable_and_say_what_they_are() -> None:
    for path in FILES:
        graph = _parse(path)
        model = _model(graph)
        runnable = graph.value(model, KIMED.runnableInSPE)
        if path.stem in DEMONSTRATORS:
            assert runnable == Literal(True)
            assert str(graph.value(model, KIMED.pipeline)) == DEMONSTRATORS[path.stem]
            description = {o.language: str(o) for o in graph.objects(model, DCTERMS.description)}
            assert "KIMed demonstrator" in description["en"]
            assert "being built" in description["en"]
        else:
            assert runnable is None, f"{path.stem} is not a KIMed pipeline"


def test_links_to_catalogue_datasets_resolve() -> None:
    catalogue = set()
    for path in dataset_demo_files():
        catalogue |= {str(s) for s in _parse(path).subjects(RDF.type, DCAT.Dataset)}
    for path in FILES:
        graph = _parse(path)
        model = _model(graph)
        for prop in (MLDCAT.trainedOn, MLDCAT.testedOn, MLDCAT.validatedOn):
            for target in graph.objects(model, prop):
                if str(target).startswith(CATALOGUE_DATASET):
                    assert str(target) in catalogue, f"{path.stem}: {target} is not a demo dataset"


# --- the official MLDCAT-AP 3.1.0 shapes --------------------------------------------------------


@pytest.fixture(scope="session")
def mldcat_shapes(shared_data: Path) -> Graph:
    return Graph().parse(shared_data / "mldcat" / "mldcat-ap-3.1.0" / "shacl" / "mldcat-ap-SHACL.ttl",
                         format="turtle")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_conforms_to_official_mldcat_shapes(path: Path, mldcat_shapes: Graph) -> None:
    from pyshacl import validate

    conforms, report, text = validate(_parse(path), shacl_graph=mldcat_shapes, allow_warnings=True)
    violations = list(report.subjects(SH.resultSeverity, SH.Violation))
    assert not violations, text


# --- import into the catalogue --------------------------------------------------------------------


def test_all_demo_files_import_without_refusal(db) -> None:
    importer = pytest.importorskip("kimed.catalog.algorithms.importer")
    from kimed.catalog.importer import import_files

    with db.session() as session:
        import_files(session, dataset_demo_files())  # the datasets the records link to
        report = importer.import_algorithms(session, FILES)
        session.commit()
    assert len(report.records) == len(FILES)
    assert {r.identifier for r in report.records} == {f"kimed-alg:{p.stem}" for p in FILES}
