"""MLDCAT-AP 3.1.0 in RDF: namespaces, cutting a graph into model records, and the projection.

A model's record is every triple reachable from the ``mldcat:MachineLearningModel`` node, following
objects, but not into another model (a base model named by ``mldcat:fineTunedFrom`` keeps its own
record when the same file describes it). Triples that belong to no model stay with the only model
of a file, so a file with one model round-trips exactly.
"""

from __future__ import annotations

from datetime import date

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kimed.catalog.algorithms.model import (
    SPEC,
    AgentRef,
    AlgorithmRecord,
    DatasetLink,
    EvaluationResult,
    FileRef,
    Modality,
    Regulatory,
    UseCase,
)
from kimed.catalog.namespaces import DCAT, DCTERMS, DQV, FOAF, RDF, RDFS, SKOS, bind_prefixes
from kimed.catalog.projection import ProjectionError, literal_date, pick

MLDCAT = Namespace("http://data.europa.eu/it6/")
FAIR4ML = Namespace("https://w3id.org/fair4ml#")
KIMED = Namespace("https://w3id.org/kimed/ns#")
SCHEMA = Namespace("http://schema.org/")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
QB = Namespace("http://purl.org/linked-data/cube#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3, not in rdflib's DCAT

ML_PREFIXES = {"mldcat": MLDCAT, "fair4ml": FAIR4ML, "kimed": KIMED, "schema": SCHEMA,
               "odrl": ODRL, "qb": QB}

# Our relation names -> the properties that carry them (MLDCAT-AP first, then FAIR4ML).
DATASET_RELATIONS: dict[str, tuple[URIRef, ...]] = {
    "trainedOn": (MLDCAT.trainedOn, FAIR4ML.trainedOn),
    "testedOn": (MLDCAT.testedOn, FAIR4ML.testedOn),
    "validatedOn": (MLDCAT.validatedOn, FAIR4ML.validatedOn),
    "evaluatedOn": (FAIR4ML.evaluatedOn,),
}
MODEL_RELATIONS: dict[str, tuple[URIRef, ...]] = {
    "fineTunedFrom": (MLDCAT.fineTunedFrom, FAIR4ML.fineTunedFrom),
}


def bind_ml_prefixes(graph: Graph) -> Graph:
    """Bind the HealthDCAT-AP prefixes and those of MLDCAT-AP, FAIR4ML and KIMed."""
    bind_prefixes(graph)
    for prefix, ns in ML_PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def find_models(graph: Graph) -> list[Node]:
    return sorted(set(graph.subjects(RDF.type, MLDCAT.MachineLearningModel)), key=str)


def _closure(graph: Graph, start: Node, stop: set[Node]) -> Graph:
    out = bind_ml_prefixes(Graph())
    seen, queue = {start}, [start]
    while queue:
        node = queue.pop()
        for _, p, o in graph.triples((node, None, None)):
            out.add((node, p, o))
            if isinstance(o, URIRef | BNode) and o not in seen and o not in stop:
                seen.add(o)
                queue.append(o)
    return out


def split_models(graph: Graph) -> tuple[dict[Node, Graph], Graph]:
    """Each model's record, and the triples that belong to none (empty for one-model files)."""
    models = find_models(graph)
    records = {m: _closure(graph, m, set(models) - {m}) for m in models}
    covered = Graph()
    for part in records.values():
        covered += part
    rest = graph - covered
    if len(rest) and len(models) == 1:
        records[models[0]] += rest
        rest = Graph()
    return records, rest


# --- reading values -------------------------------------------------------------------------

def _sorted(values) -> list[Node]:
    return sorted(values, key=str)


def _one(g: Graph, s: Node, *props: URIRef) -> Node | None:
    for p in props:
        values = _sorted(g.objects(s, p))
        if values:
            return values[0]
    return None


def _text(g: Graph, s: Node, *props: URIRef) -> str | None:
    value = _one(g, s, *props)
    return str(value) if value is not None else None


def _texts(g: Graph, s: Node, *props: URIRef) -> list[str]:
    return sorted({str(o) for p in props for o in g.objects(s, p)})


def _lang_map(g: Graph, s: Node, *props: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in props:
        for o in _sorted(g.objects(s, p)):
            if isinstance(o, Literal):
                out.setdefault(o.language or "", str(o))
    return out


def _uris(g: Graph, s: Node, *props: URIRef) -> list[str]:
    return sorted({str(o) for p in props for o in g.objects(s, p) if isinstance(o, URIRef)})


def _typed(value: Node | None, prop: str, kind: type, range_: str):
    if value is None:
        return None
    python = value.toPython() if isinstance(value, Literal) else None
    if python is None or (kind is int and isinstance(python, bool)) or not isinstance(python, kind):
        raise ProjectionError(f"{prop}: {value!s:.60} is not a valid {range_} [range from {SPEC}]")
    if kind is int and python < 0:
        raise ProjectionError(f"{prop}: {python} is negative, but the range is {range_} [{SPEC}]")
    return python


def _date(g: Graph, s: Node, p: URIRef, prop: str) -> date | None:
    return literal_date(_one(g, s, p), prop)


def _name(g: Graph, node: Node) -> str:
    label = _text(g, node, FOAF.name, DCTERMS.title, RDFS.label, SKOS.prefLabel, SCHEMA.name)
    return label if label is not None else str(node)


def _agent(g: Graph, node: Node) -> AgentRef:
    names = _lang_map(g, node, FOAF.name, SCHEMA.name)
    if not names and isinstance(node, Literal):
        names = {"": str(node)}
    return AgentRef(iri=str(node) if isinstance(node, URIRef) else None, name=names)


def _file(g: Graph, node: Node) -> FileRef:
    return FileRef(iri=str(node) if isinstance(node, URIRef) else None,
                   identifier=_text(g, node, DCTERMS.identifier),
                   title=_text(g, node, DCTERMS.title), url=_text(g, node, MLDCAT.url),
                   format=_text(g, node, DCTERMS.format))


def _modality(g: Graph, node: Node) -> Modality:
    if isinstance(node, URIRef) and (node, MLDCAT.classification, None) not in g:
        return Modality(concepts=[str(node)])  # a concept given directly
    return Modality(concepts=_uris(g, node, MLDCAT.classification),
                    size=_text(g, node, MLDCAT.size))


def _evaluation(g: Graph, node: Node) -> EvaluationResult:
    metric = _one(g, node, DCTERMS.type, DQV.isMeasurementOf)
    if metric is None:
        raise ProjectionError(f"dqv:hasQualityMeasurement: {node.n3()} has no dct:type (the "
                              f"metric) [{SPEC}, QualityMeasurement.type]")
    raw = _one(g, node, DQV.value)
    if raw is None:
        raise ProjectionError(f"dqv:hasQualityMeasurement: {node.n3()} has no dqv:value "
                              f"[{SPEC}, QualityMeasurement.value]")
    python = raw.toPython() if isinstance(raw, Literal) else str(raw)
    if isinstance(raw, Literal) and raw.ill_typed:
        raise ProjectionError(f"dqv:value: {raw!s:.60} is not a valid {raw.datatype} [{SPEC}]")
    value = float(python) if isinstance(python, int | float) and not isinstance(python, bool) \
        else str(python)
    ident = _text(g, metric, DCTERMS.identifier)
    return EvaluationResult(metric=ident or _name(g, metric),
                            metric_name=_text(g, metric, DCTERMS.title, RDFS.label),
                            value=value, dataset=_text(g, node, KIMED.dataset),
                            split=_text(g, node, KIMED["split"]))


def _use_case(g: Graph, node: Node) -> UseCase:
    institution = _one(g, node, KIMED.institution)
    return UseCase(institution=_name(g, institution) if institution is not None else None,
                   setting=_text(g, node, KIMED.setting), outcome=_text(g, node, KIMED.outcome),
                   publication=_text(g, node, KIMED.publication))


def _datasets(g: Graph, m: Node) -> list[DatasetLink]:
    links, seen = [], set()
    for relation, props in DATASET_RELATIONS.items():
        for p in props:
            for target in _sorted(g.objects(m, p)):
                if (relation, target) in seen:
                    continue
                seen.add((relation, target))
                links.append(DatasetLink(
                    relation=relation, iri=str(target) if isinstance(target, URIRef) else None,
                    identifier=_text(g, target, DCTERMS.identifier, SCHEMA.identifier),
                    title=_text(g, target, DCTERMS.title, SCHEMA.name)))
    return links


def project_model(g: Graph, m: Node) -> AlgorithmRecord:
    """Build the typed projection of model ``m`` from its record graph ``g``."""
    ident = _one(g, m, DCTERMS.identifier)
    base = _one(g, m, *MODEL_RELATIONS["fineTunedFrom"])
    return AlgorithmRecord(
        iri=str(m), identifier=str(ident) if ident is not None else str(m),
        title=_lang_map(g, m, DCTERMS.title),
        description=_lang_map(g, m, DCTERMS.description),
        short_description=_text(g, m, MLDCAT.shortDescription),
        keywords=_texts(g, m, DCAT.keyword),
        version=_text(g, m, DCAT_VERSION),
        created=_date(g, m, DCTERMS.created, "dct:created"),
        modified=_date(g, m, DCTERMS.modified, "dct:modified"),
        release_date=_date(g, m, MLDCAT.releaseDate, "mldcat:releaseDate"),
        licenses=_texts(g, m, DCTERMS.license),
        providers=[_agent(g, n) for n in _sorted(g.objects(m, MLDCAT.hasProvider))],
        creators=[_agent(g, n) for n in _sorted(g.objects(m, DCTERMS.creator))],
        files=[_file(g, n) for n in _sorted(g.objects(m, MLDCAT.hasFile))],
        repositories=_texts(g, m, MLDCAT.hasRepository),
        intended_use=_texts(g, m, MLDCAT.intendedUse),
        limitations=_text(g, m, MLDCAT.limitations),
        bias=_text(g, m, MLDCAT.bias),
        risks=sorted(_text(g, n, DCTERMS.title, DCTERMS.description) or str(n)
                     for n in g.objects(m, MLDCAT.hasRisk)),
        how_to_use=_text(g, m, MLDCAT.howToUse),
        architecture=_texts(g, m, MLDCAT.modelArchitecture),
        parameters=_typed(_one(g, m, MLDCAT.totalNumberOfParameters),
                          "mldcat:totalNumberOfParameters", int, "xsd:nonNegativeInteger"),
        input_modalities=[_modality(g, n) for n in _sorted(g.objects(m, MLDCAT.hasInputModality))],
        output_modalities=[_modality(g, n)
                           for n in _sorted(g.objects(m, MLDCAT.hasOutputModality))],
        datasets=_datasets(g, m),
        fine_tuned_from=str(base) if base is not None else None,
        evaluation=[_evaluation(g, n) for n in _sorted(g.objects(m, DQV.hasQualityMeasurement))],
        evaluation_summary=_text(g, m, MLDCAT.evaluationResults),
        task_types=_uris(g, m, MLDCAT.hasTaskType),
        tasks=_uris(g, m, KIMED.task, FAIR4ML.mlTask),
        health_categories=_uris(g, m, KIMED.healthCategory),
        regulatory=Regulatory(
            classes=_uris(g, m, KIMED.regulatoryClass),
            ce_marked=_typed(_one(g, m, KIMED.ceMarked), "kimed:ceMarked", bool, "xsd:boolean"),
            notified_body=_text(g, m, KIMED.notifiedBody),
            fda_clearance=_text(g, m, KIMED.fdaClearance)),
        use_cases=[_use_case(g, n) for n in _sorted(g.objects(m, KIMED.useCase))],
        runnable_in_spe=bool(_typed(_one(g, m, KIMED.runnableInSPE), "kimed:runnableInSPE", bool,
                                    "xsd:boolean")),
        pipeline=_text(g, m, KIMED.pipeline),
    )


__all__ = ["DATASET_RELATIONS", "FAIR4ML", "KIMED", "MLDCAT", "MODEL_RELATIONS", "SCHEMA",
           "bind_ml_prefixes", "find_models", "pick", "project_model", "split_models"]
