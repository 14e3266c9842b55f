"""The MLDCAT-AP 3.1.0 JSON-LD context, shipped with KIMed so that imports never fetch it.

The official examples name their context by URL (``https://semiceu.github.io/MLDCAT-AP/releases/
3.1.0/context/mldcat-ap.jsonld``). KIMed imports never reach the network, so :func:`resolve_contexts`
replaces the URLs we know by a context built here; any other remote context is still refused
(by :mod:`kimed.catalog.rdfio`). The table below is our own compact notation of the terms that the
specification defines: per class, its IRI and its properties as ``term=curie``, where ``@`` marks a
property whose value is an IRI and ``^datatype`` a typed literal. ``tests/catalog/algorithms``
checks it term by term against the published context.
"""

from __future__ import annotations

import copy
import json
from functools import cache

from kimed.catalog.rdfio import RdfInputError

SPEC_CONTEXT = "https://semiceu.github.io/MLDCAT-AP/releases/3.1.0/context/mldcat-ap.jsonld"
EOSC_CONTEXT = ("https://semiceu.github.io/MLDCAT-AP/releases/3.1.0/html/examples/"
                "eosc-mldcat-ap-context.jsonld")

_PREFIXES = {
    "adms": "http://www.w3.org/ns/adms#",
    "biro": "http://purl.org/spar/biro/",
    "cv": "http://data.europa.eu/m8g/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dpv": "https://w3id.org/dpv#",
    "dqv": "http://www.w3.org/ns/dqv#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "frapo": "http://purl.org/cerif/frapo/",
    "lpwcc": "https://linkedpaperswithcode.com/class/",
    "lpwcp": "https://linkedpaperswithcode.com/property/",
    "mldcat": "http://data.europa.eu/it6/",
    "mls": "http://www.w3.org/ns/mls#",
    "mlso": "http://w3id.org/mlso/",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Class name: (class IRI, "property=curie[@|^datatype] ...").
_TERMS: dict[str, tuple[str, str]] = {
    "Activity": ("prov:Activity", ""),
    "Agent": ("foaf:Agent", "actedOnBehalfOf=prov:actedOnBehalfOf@ name=foaf:name"),
    "Algorithm": ("mls:Algorithm",
        "hasAlgorithmType=mlso:hasAlgorithmType@ "
        "hasLearningMethodType=mlso:hasLearningMethodType@"),
    "Benchmark": ("mldcat:Benchmark", "title=dct:title"),
    "BibliographicReference": ("biro:BibliographicReference",
        "bibliographicCitation=dct:bibliographicCitation format=dct:format "
        "references=dct:references@"),
    "Catalogue": ("dcat:Catalog",
        "creator=dct:creator@ dataset=dcat:dataset@ description=dct:description "
        "homepage=foaf:homepage@ identifier=dct:identifier keyword=dcat:keyword "
        "licence=dct:license@ modificationDate=dct:modified publisher=dct:publisher@ "
        "record=dcat:record@ releaseDate=dct:issued service=dcat:service@ title=dct:title"),
    "CatalogueRecord": ("dcat:CatalogRecord",
        "description=dct:description descriptionVersion=mldcat:descriptionVersion "
        "modificationDate=dct:modified primaryTopic=foaf:primaryTopic@"),
    "CataloguedResource": ("dcat:Resource", ""),
    "Checksum": ("spdx:Checksum",
        "algorithm=spdx:algorithm@ checksumValue=spdx:checksumValue^xsd:hexBinary"),
    "ChecksumAlgorithm": ("spdx:ChecksumAlgorithm", ""),
    "Collection": ("mldcat:Collection",
        "creationDate=mldcat:creationDate description=dct:description "
        "hasUploader=mldcat:hasUploader@ identifier=dct:identifier title=dct:title "
        "visibility=mldcat:visibility@"),
    "ComputerInfrastructure": ("mldcat:ComputerInfrastructure",
        "hasHardware=mldcat:hasHardware@ hasLibrary=mldcat:hasLibrary@ title=dct:title"),
    "Concept": ("skos:Concept", ""),
    "CostMatrix": ("mldcat:CostMatrix", ""),
    "DataQuality": ("mldcat:DataQuality",
        "description=dct:description identifier=dct:identifier title=dct:title"),
    "DataService": ("dcat:DataService",
        "endpointUrl=dcat:endpointURL@ servesDataset=dcat:servesDataset@ "
        "servesModel=mldcat:servesModel@ title=dct:title"),
    "Dataset": ("dcat:Dataset",
        "accessRights=dct:accessRights@ biasMethod=mldcat:biasMethod "
        "collectionDate=mldcat:collectionDate collectionMethod=mldcat:collectionMethod "
        "contributor=dct:contributor@ creator=dct:creator@ "
        "curationMethod=mldcat:curationMethod dataProvenance=mldcat:dataProvenance "
        "datasetDistribution=dcat:distribution@ description=dct:description "
        "geographicalCoverage=dct:spatial@ hasVersion=dcat:hasVersion@ "
        "identifier=dct:identifier isReferencedBy=dct:isReferencedBy@ "
        "isVersionOf=dct:isVersionOf@ keyword=dcat:keyword landingPage=dcat:landingPage@ "
        "language=dct:language@ publisher=dct:publisher@ releaseDate=dct:issued "
        "status=adms:status@ theme=dcat:theme@ title=dct:title type=dct:type@ "
        "unsuitabilityMethod=mldcat:unsuitabilityMethod version=dcat:version "
        "versionLabel=mldcat:versionLabel visibility=mldcat:visibility@ "
        "wasGeneratedBy=prov:wasGeneratedBy@"),
    "Distribution": ("dcat:Distribution",
        "accessService=dcat:accessService@ accessUrl=dcat:accessURL@ "
        "byteSize=dcat:byteSize^xsd:nonNegativeInteger checksum=spdx:checksum@ "
        "defaultTargetAttribute=mldcat:defaultTargetAttribute downloadUrl=dcat:downloadURL@ "
        "format=dct:format@ hasData=dpv:hasData@ hasFeature=mldcat:hasFeature@ "
        "hasPolicy=odrl:hasPolicy@ hasQualityMeasurement=dqv:hasQualityMeasurement@ "
        "identifier=dct:identifier ignoreAttribute=mldcat:ignoreAttribute "
        "language=dct:language@ licence=dct:license@ linkedSchemas=dct:conformsTo@ "
        "mediaType=dcat:mediaType@ "
        "numberOfDatapoints=mldcat:numberOfDatapoints^xsd:nonNegativeInteger "
        "processingDate=mldcat:processingDate processingError=mldcat:processingError "
        "processingWarning=mldcat:processingWarning rowIdAttribute=mldcat:rowIDAttribute "
        "title=dct:title"),
    "Document": ("foaf:Document", ""),
    "Engagement": ("mldcat:Engagement",
        "download=mldcat:download^xsd:integer like=mldcat:like^xsd:integer"),
    "EnvironmentalImpact": ("mldcat:EnvironmentalImpact",
        "carbonEmitted=mldcat:carbonEmitted "
        "measurementMethodology=mldcat:measurementMethodology "
        "powerConsumption=mldcat:powerConsumption"),
    "EstimationProcedure": ("mldcat:EstimationProcedure",
        "description=dct:description hasParameter=mldcat:hasParameter@ "
        "hasSplit=mldcat:hasSplit@ identifier=dct:identifier title=dct:title type=dct:type@"),
    "Evaluation": ("mldcat:Evaluation",
        "arrayData=mldcat:arrayData fold=mldcat:fold hasFlow=mldcat:hasFlow@ "
        "identifier=dct:identifier intervalEnd=mldcat:intervalEnd "
        "intervalStart=mldcat:intervalStart label=rdfs:label repeat=mldcat:repeat "
        "sample=mldcat:sample sampleSize=mldcat:sampleSize stdev=mldcat:stdev title=dct:title "
        "value=mldcat:value"),
    "EvaluationMeasure": ("mldcat:EvaluationMeasure",
        "description=dct:description implementation=mldcat:implementation title=dct:title "
        "value=mldcat:value valueBad=mldcat:valueBad valueGood=mldcat:valueGood"),
    "Feature": ("mldcat:Feature", "description=dct:description title=dct:title type=dct:type@"),
    "File": ("mldcat:File",
        "checksum=spdx:checksum@ format=dct:format@ id=dct:identifier title=dct:title "
        "url=mldcat:url@"),
    "Flow": ("mldcat:Flow",
        "className=mldcat:className customName=mldcat:customName description=dct:description "
        "externalVersion=mldcat:externalVersion hasDependency=mldcat:hasDependency@ "
        "hasFlowParameter=mldcat:hasFlowParameter@ hasUploader=mldcat:hasUploader@ "
        "identifier=dct:identifier keyword=dcat:keyword status=adms:status@ title=dct:title "
        "uploaded=mldcat:uploaded version=mldcat:version"),
    "FlowParameter": ("mldcat:FlowParameter",
        "defaultValue=mldcat:defaultValue description=dct:description "
        "recommendedRange=mldcat:recommendedRange title=dct:title type=dct:type@"),
    "Hardware": ("mldcat:Hardware", "description=dct:description title=dct:title"),
    "HarmRisk": ("mldcat:HarmRisk",
        "description=dct:description mitigation=mldcat:mitigation nature=mldcat:nature@ "
        "probability=mldcat:probability severity=mldcat:severity source=mldcat:source@ "
        "title=dct:title type=dct:type@"),
    "HexBinary": ("xsd:hexBinary", ""),
    "ImageObject": ("cv:ImageObject", ""),
    "Integer": ("xsd:integer", ""),
    "Library": ("mldcat:Library",
        "description=dct:description isExecutedBy=mldcat:isExecutedBy@ licence=dct:license@ "
        "title=dct:title version=mldcat:version"),
    "LicenceDocument": ("dct:LicenseDocument", ""),
    "LinguisticSystem": ("dct:LinguisticSystem", ""),
    "Literal": ("rdfs:Literal", ""),
    "Location": ("dct:Location", ""),
    "MachineLearningModel": ("mldcat:MachineLearningModel",
        "bias=mldcat:bias contributor=dct:contributor@ created=dct:created "
        "creator=dct:creator@ description=dct:description "
        "designSpecifications=mldcat:designSpecifications "
        "evaluationResults=mldcat:evaluationResults "
        "evaluationStrategies=mldcat:evaluationStrategies fineTunedFrom=mldcat:fineTunedFrom@ "
        "hasBenchmark=mldcat:hasBenchmark@ "
        "hasBibliographicReference=mldcat:hasBibliographicReference@ "
        "hasEngagement=mldcat:hasEngagement@ hasFile=mldcat:hasFile@ "
        "hasInputModality=mldcat:hasInputModality@ "
        "hasOutputModality=mldcat:hasOutputModality@ hasPolicy=odrl:hasPolicy@ "
        "hasPrediction=mldcat:hasPrediction@ hasProvider=mldcat:hasProvider@ "
        "hasRegisteredUser=mldcat:hasRegisteredUser@ hasRepository=mldcat:hasRepository@ "
        "hasRisk=mldcat:hasRisk@ hasUploader=mldcat:hasUploader@ "
        "hasVariation=mldcat:hasVariation@ howToUse=mldcat:howToUse identifier=dct:identifier "
        "intendedUse=mldcat:intendedUse isFundedBy=frapo:isFundedBy@ keyword=dcat:keyword "
        "language=dct:language@ licence=dct:license@ limitations=mldcat:limitations "
        "logo=cv:logo@ methodOfDistribution=mldcat:methodOfDistribution "
        "modelArchitecture=mldcat:modelArchitecture modified=dct:modified name=dct:title "
        "placedOnMarketDate=mldcat:placedOnMarketDate ranOn=mldcat:ranOn@ "
        "releaseDate=mldcat:releaseDate shortDescription=mldcat:shortDescription "
        "testedOn=mldcat:testedOn@ testingDescription=mldcat:testingDescription "
        "totalNumberOfParameters=mldcat:totalNumberOfParameters^xsd:nonNegativeInteger "
        "trainedOn=mldcat:trainedOn@ trainingMethodologies=mldcat:trainingMethodologies "
        "trainingProcess=mldcat:trainingProcess type=dct:type@ "
        "validatedOn=mldcat:validatedOn@ version=dcat:version"),
    "Measure": ("mldcat:Measure", ""),
    "MediaType": ("dct:MediaType", ""),
    "MediaTypeOrExtent": ("dct:MediaTypeOrExtent", ""),
    "Modality": ("mldcat:Modality", "classification=mldcat:classification@ size=mldcat:size"),
    "NonNegativeInteger": ("xsd:nonNegativeInteger", ""),
    "OutputFileDescription": ("mldcat:OutputFileDescription",
        "id=dct:identifier title=dct:title url=mldcat:url@"),
    "Paper": ("lpwcc:paper",
        "abstract=dct:abstract creator=dct:creator@ date=dct:date "
        "hasDocument=mldcat:hasDocument@ hasModel=lpwcp:hasModel@ "
        "hasRepository=lpwcp:hasRepository@ references=dct:references@ subject=dct:subject "
        "title=dct:title"),
    "Parameter": ("mldcat:Parameter",
        "component=mldcat:component name=dct:title value=mldcat:value"),
    "Policy": ("odrl:Policy", ""),
    "Prediction": ("mldcat:Prediction",
        "format=dct:format@ hasPredictionFeature=mldcat:hasPredictionFeature@"),
    "PredictionFeature": ("mldcat:PredictionFeature", "title=dct:title type=dct:type@"),
    "QualityMeasurement": ("dqv:QualityMeasurement",
        "dataset=qb:dataSet@ featureIndex=mldcat:featureIndex@ intervalEnd=mldcat:intervalEnd "
        "intervalStart=mldcat:intervalStart type=dct:type@ value=dqv:value"),
    "QualityMeasurementDataset": ("dqv:QualityMeasurementDataset",
        "evaluationEngineId=mldcat:evaluationEngine identifier=dct:identifier"),
    "Repository": ("lpwcc:repository", "hasFile=mldcat:hasFile@ name=dct:title"),
    "Resource": ("rdfs:Resource", ""),
    "RightsStatement": ("dct:RightsStatement", ""),
    "Run": ("mldcat:Run",
        "errorMessage=mldcat:errorMessage executes=mls:realizes@ "
        "hasEvaluation=mldcat:hasEvaluation@ hasFlow=mldcat:hasFlow@ "
        "hasInferencingImpact=mldcat:hasInferencingImpact@ "
        "hasOutputFileDescription=mldcat:hasOutputFileDescription@ "
        "hasOutputFilePrediction=mldcat:hasOutputFilePrediction@ "
        "hasParameter=mldcat:hasParameter@ hasTask=mldcat:hasTask@ "
        "hasTrainingImpact=mldcat:hasTrainingImpact@ hasUploader=mldcat:hasUploader@ "
        "identifier=dct:identifier keyword=dcat:keyword runDetails=mldcat:runDetails "
        "setupId=mldcat:setupId setupString=mldcat:setupString "
        "trainingTime=mldcat:trainingTime"),
    "RunCollection": ("mldcat:RunCollection", "hasRun=mldcat:hasRun@"),
    "Split": ("mldcat:Split",
        "description=dct:description id=dct:identifier isAppliedTo=mldcat:isAppliedTo@ "
        "title=dct:title type=dct:type@"),
    "Standard": ("dct:Standard", ""),
    "Task": ("mldcat:Task",
        "hasCostMatrix=mldcat:hasCostMatrix@ "
        "hasEstimationProcedure=mldcat:hasEstimationProcedure@ "
        "hasEvaluationMeasure=mldcat:hasEvaluationMeasure@ hasOutput=mldcat:hasOutput@ "
        "hasTaskType=mldcat:hasTaskType@ id=dct:identifier keyword=dcat:keyword "
        "sourceData=mldcat:sourceData@ targetFeature=mldcat:targetFeature@ title=dct:title"),
    "TaskCollection": ("mldcat:TaskCollection", "hasTask=mldcat:hasTask@"),
    "TaskType": ("mldcat:TaskType",
        "description=skos:definition id=skos:notation title=skos:prefLabel"),
    "TemporalLiteral": ("rdfs:Literal", ""),}

# The EOSC AI4EOSC mapping example of the specification (html/examples/eosc-mldcat-ap-context.jsonld):
# plain JSON keys of the AI4EOSC catalogue mapped onto MLDCAT-AP properties.
_EOSC = {
    "metadata_version": "mldcat:version", "title": "dct:title",
    "summary": "mldcat:shortDescription", "description": "dct:description",
    "dates": "@nest", "links": "@nest", "tags": "dcat:keyword",
    "type": "@type", "id": "dct:identifier", "uri": "@id",
}
_EOSC_TYPED = {
    "created": ("dct:created", "xsd:date", None), "updated": ("dct:modified", "xsd:date", None),
    "source_code": ("mldcat:hasRepository", "@id", None),
    "docker_image": ("mldcat:hasRepository", "@id", "https://hub.docker.com/r/"),
    "dataset": ("mldcat:trainedOn", "@id", None),
    "tasks": ("mldcat:hasTaskType", "@id", "https://api.cloud.ai4eosc.eu/v1/catalog/tasktype/"),
    "categories": ("dct:type", "@id", "https://api.cloud.ai4eosc.eu/v1/catalog/category/"),
    "libraries": ("mldcat:hasMachineLearningLibrary", "@id",
                  "https://api.cloud.ai4eosc.eu/v1/catalog/library/"),
    "license": ("dct:license", "@id", "http://publications.europa.eu/resource/authority/licence/"),
}


def _iri(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return _PREFIXES[prefix] + local


@cache
def mldcat_context() -> dict:
    """The MLDCAT-AP 3.1.0 context as a JSON-LD context object (built on first use)."""
    context: dict = {}
    for name, (class_curie, props) in _TERMS.items():
        context[name] = _iri(class_curie)
        for spec in props.split():
            term, target = spec.split("=", 1)
            entry: dict = {}
            if "^" in target:
                target, datatype = target.split("^", 1)
                entry["@type"] = _iri(datatype)
            elif target.endswith("@"):
                target = target[:-1]
                entry["@type"] = "@id"
            entry["@id"] = _iri(target)
            context[f"{name}.{term}"] = entry
    return context


@cache
def eosc_context() -> dict:
    """The EOSC example context: the MLDCAT-AP terms plus the AI4EOSC key mapping."""
    context = dict(mldcat_context())
    context.update({"@version": 1.1, **{p: _PREFIXES[p] for p in ("dcat", "dct", "mldcat", "xsd")}})
    context.update({k: v if v.startswith("@") else _iri(v) for k, v in _EOSC.items()})
    for key, (prop, kind, base) in _EOSC_TYPED.items():
        entry: dict = {"@id": _iri(prop), "@type": kind if kind == "@id" else _iri(kind)}
        if base:
            entry["@context"] = {"@base": base}
        context[key] = entry
    return context


KNOWN_CONTEXTS = {SPEC_CONTEXT: mldcat_context, EOSC_CONTEXT: eosc_context}


def _replace(ctx, name: str):
    """One @context value with every known URL replaced by its object."""
    if isinstance(ctx, str):
        return KNOWN_CONTEXTS[ctx]() if ctx in KNOWN_CONTEXTS else ctx
    if isinstance(ctx, list):
        return [_replace(item, name) for item in ctx]
    if isinstance(ctx, dict) and "@import" in ctx:
        url = ctx["@import"]
        if url not in KNOWN_CONTEXTS:
            raise RdfInputError(name, f"JSON-LD @import {url!r} cannot be fetched here; inline it",
                                rule="KIMed imports never reach the network")
        rest = {k: v for k, v in ctx.items() if k != "@import"}
        # @import merges the imported context under the local definitions (JSON-LD 1.1, 4.1.10).
        return {**copy.deepcopy(KNOWN_CONTEXTS[url]()), **rest}
    return ctx


def resolve_contexts(text: str, name: str) -> str:
    """The JSON-LD document ``text`` with known remote contexts inlined (unknown ones left)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RdfInputError(name, f"malformed JSON: {exc.msg}", line=exc.lineno) from None

    def walk(node):
        if isinstance(node, dict):
            return {k: _replace(v, name) if k == "@context" else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return json.dumps(walk(doc), ensure_ascii=False)
