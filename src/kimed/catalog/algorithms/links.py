"""Links between algorithms and catalogue datasets: declared links and "could apply" matches.

Declared links are ``mldcat:trainedOn``, ``testedOn``, ``validatedOn``, ``fair4ml:evaluatedOn``
and ``mldcat:fineTunedFrom``. A target resolves to a catalogue dataset by IRI, or by the
``dct:identifier`` its description in the record carries. A target that does not resolve is kept
as an external link (a Hugging Face dataset, say), unless it lies in the record's own namespace or
under ``https://w3id.org/kimed/``: such a target must be a catalogue dataset, and a miss is a
broken link that refuses the import.

"Could apply" (see docs/algorithms.md) compares the data families an algorithm reads, taken from
its input modalities, with the families a dataset's projection shows (standards, media types,
coding systems, EHDS health categories, keywords and title). A shared family is required; a
shared specific imaging modality (MRI, CT, X-ray, ...) and shared health categories rank higher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.catalog.algorithms.model import AlgorithmRecord
from kimed.catalog.algorithms.models import AlgorithmDatasetRow, AlgorithmRow
from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import DatasetRecord

KIMED_SPACE = "https://w3id.org/kimed/"
DCM = "http://dicom.nema.org/resources/ontology/DCM/"
AIM = "https://w3id.org/kimed/vocab/ai-modalities/"
STD = "https://hdeu-dcat.data.health.europa.eu/resource/authority/standard/"
CAT = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"

# Input modality concept -> (family, specific imaging modality or None).
_DICOM = {"MR": "mri", "CT": "ct", "CR": "xray", "DX": "xray", "MG": "xray", "IO": "xray",
          "PX": "xray", "RF": "xray", "XA": "xray", "US": "ultrasound", "PT": "nuclear",
          "NM": "nuclear", "SM": "histopathology", "OP": "ophthalmic", "OPT": "ophthalmic",
          "ES": "endoscopy", "XC": "photo"}
_OURS = {"imaging": ("imaging", None), "radiology": ("imaging", None), "image": ("imaging", None),
         "histopathology": ("imaging", "histopathology"), "ophthalmic-imaging": ("imaging",
         "ophthalmic"), "dermatology-photo": ("imaging", "photo"), "endoscopy": ("imaging",
         "endoscopy"), "clinical-text": ("text", None), "text": ("text", None),
         "ehr": ("ehr", None), "claims": ("claims", None), "registry": ("registry", None),
         "questionnaire": ("questionnaire", None), "tabular": ("tabular", None),
         "genomics": ("omics", None), "omics": ("omics", None), "biosignals": ("signals", None),
         "ecg": ("signals", None), "eeg": ("signals", None), "wearables": ("signals", None),
         "environmental": ("environmental", None)}
_STRUCTURED = {"ehr", "claims", "registry", "questionnaire"}  # what "tabular" reads

# Dataset evidence: standards / media types / categories / words -> family or specific modality.
_STANDARD_HINTS = {STD + "DICOM": "imaging", "https://nifti.nimh.nih.gov/": "mri",
                   "https://bids-specification.readthedocs.io/": "mri", STD + "FHIR": "ehr",
                   STD + "OMOP-CDM": "ehr", STD + "OPENEHR": "ehr", STD + "ISO-13606-1": "ehr",
                   STD + "CDA": "text"}
_CATEGORY_HINTS = {"EHRS": "ehr", "HRAD": "claims", "MRMR": "registry", "PHDR": "registry",
                   "HGPD": "omics", "HPML": "omics", "PGEH": "signals", "EMRD": "signals",
                   "DIOH": "environmental", "RQSH": "questionnaire"}
_WORDS = {
    "mri": r"\bmri\b|\bmrt\b|magnetic resonance|magnetresonanz|\bfmri\b|neuroimaging",
    "ct": r"\bct\b|computed tomography|computertomographie",
    "xray": r"x-ray|\bcxr\b|radiograph|röntgen",
    "histopathology": r"histolog|histopatholog|whole[- ]slide|pathology slide",
    "imaging": r"imaging|bildgebung|\bscans?\b",
    "text": r"clinical text|klinischer text|clinical notes|discharge|arztbrief|free[- ]text|"
            r"freitext|corpus|korpus|\bnlp\b|notes\b",
    "omics": r"genom|omics|sequencing|sequenzierung",
    "signals": r"\becg\b|\bekg\b|\beeg\b|wearable|vital signs",
    "claims": r"claims|abrechnung|krankenkasse",
    "environmental": r"air quality|luftqualität|exposom|environment",
}
_SPECIFIC = {"mri", "ct", "xray", "histopathology", "ultrasound", "nuclear", "ophthalmic",
             "endoscopy", "photo"}


@dataclass
class LinkProblem:
    relation: str
    target: str
    message: str


@dataclass
class ResolvedLink:
    relation: str
    target_iri: str
    dataset_iri: str
    external: bool


@dataclass
class Match:
    """A dataset for an algorithm (or the reverse): declared relations and could-apply reasons."""

    iri: str
    identifier: str
    title: str
    relations: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    score: int = 0

    @property
    def could_apply(self) -> bool:
        return bool(self.reasons)


def _base(iri: str) -> str:
    return iri.rsplit("#", 1)[0].rsplit("/", 1)[0]


def _internal(model_iri: str, target: str) -> bool:
    return target.startswith(KIMED_SPACE) or _base(target) == _base(model_iri)


def resolve_links(session: Session, record: AlgorithmRecord) -> tuple[list[ResolvedLink],
                                                                        list[LinkProblem]]:
    """Resolve the record's declared links against the catalogue's datasets."""
    links, problems = [], []
    for link in record.datasets:
        row = None
        if link.iri:
            row = session.scalars(sa.select(DatasetRow).where(DatasetRow.iri == link.iri)).first()
        if row is None and link.identifier:
            row = session.scalars(sa.select(DatasetRow).where(
                DatasetRow.identifier == link.identifier)).first()
        if row is not None:
            links.append(ResolvedLink(link.relation, link.iri or row.iri, row.iri, False))
        elif link.iri is None:
            continue  # a blank node described only in the record: nothing to link to
        elif _internal(record.iri, link.iri):
            problems.append(LinkProblem(link.relation, link.iri, (
                f"mldcat:{link.relation} of <{record.iri}> points to <{link.iri}>, which is in "
                "the record's own namespace but is not a dataset of the catalogue (by IRI or "
                f"dct:identifier {link.identifier!r}); import the dataset first or fix the IRI "
                "[broken link; MLDCAT-AP 3.1.0 range dcat:Dataset]")))
        else:
            links.append(ResolvedLink(link.relation, link.iri, link.iri, True))
    if record.fine_tuned_from:
        links.append(ResolvedLink("fineTunedFrom", record.fine_tuned_from,
                                  record.fine_tuned_from, True))
    unique = {(link.relation, link.target_iri): link for link in links}
    return list(unique.values()), problems


def store_links(session: Session, row: AlgorithmRow, links: list[ResolvedLink]) -> None:
    session.execute(sa.delete(AlgorithmDatasetRow).where(AlgorithmDatasetRow.algorithm_id == row.id))
    for link in links:
        session.add(AlgorithmDatasetRow(algorithm_id=row.id, relation=link.relation,
                                        target_iri=link.target_iri, dataset_iri=link.dataset_iri,
                                        external=link.external))


# --- could apply ----------------------------------------------------------------------------

def algorithm_families(record: AlgorithmRecord) -> tuple[set[str], set[str]]:
    """(families, specific imaging modalities) that the algorithm reads."""
    families, specific = set(), set()
    for concept in record.modality_concepts("input"):
        if concept.startswith(DCM) and concept[len(DCM):] in _DICOM:
            families.add("imaging")
            specific.add(_DICOM[concept[len(DCM):]])
        elif concept.startswith(AIM) and concept[len(AIM):] in _OURS:
            family, spec = _OURS[concept[len(AIM):]]
            families.add(family)
            if spec:
                specific.add(spec)
    if "imaging" in families and not specific:
        # No DICOM modality given: read it from the title and keywords ("CT", "MRI", ...).
        words = " ".join([*record.title.values(), *record.keywords]).lower()
        specific = {name for name in _SPECIFIC & set(_WORDS) if re.search(_WORDS[name], words)}
    if "tabular" in families:
        families |= _STRUCTURED
    return families, specific


def dataset_families(ds: DatasetRecord) -> tuple[set[str], set[str]]:
    """(families, specific imaging modalities) that a dataset's projection shows."""
    hints = {_STANDARD_HINTS[s] for s in ds.standards if s in _STANDARD_HINTS}
    hints |= {_CATEGORY_HINTS[c.rsplit("/", 1)[-1]] for c in ds.health_categories
              if c.rsplit("/", 1)[-1] in _CATEGORY_HINTS}
    for dist in ds.distributions:
        media = (dist.media_type or "") + " " + (dist.format or "")
        if "dicom" in media.lower():
            hints.add("imaging")
        if "nifti" in media.lower():
            hints.add("mri")
    if any(c.endswith("/DICOM-CT") for c in ds.coding_systems):
        hints.add("imaging")
    words = " ".join([*ds.title.values(), *(k for ks in ds.keywords.values() for k in ks)]).lower()
    hints |= {name for name, pattern in _WORDS.items() if re.search(pattern, words)}
    specific = hints & _SPECIFIC
    families = (hints - _SPECIFIC) | ({"imaging"} if specific else set())
    return families, specific


def could_apply(alg: AlgorithmRecord, ds: DatasetRecord) -> tuple[int, list[str]]:
    """(score, reasons); score 0 and no reasons when the algorithm cannot apply."""
    a_fam, a_spec = algorithm_families(alg)
    d_fam, d_spec = dataset_families(ds)
    shared = a_fam & d_fam
    if not shared:
        return 0, []
    if a_spec and d_spec and not a_spec & d_spec:
        return 0, []  # an MRI model does not apply to a CT-only dataset
    reasons = [f"data type: {', '.join(sorted(shared))}"]
    score = 1
    if a_spec & d_spec:
        reasons.append(f"modality: {', '.join(sorted(a_spec & d_spec))}")
        score += 1
    categories = set(alg.health_categories) & set(ds.health_categories)
    if categories:
        reasons.append("health category: " + ", ".join(sorted(c.rsplit("/", 1)[-1]
                                                             for c in categories)))
        score += 1
    return score, reasons


def _linked(session: Session, **where) -> list[AlgorithmDatasetRow]:
    query = sa.select(AlgorithmDatasetRow).filter_by(**where).where(
        AlgorithmDatasetRow.relation != "fineTunedFrom")
    return list(session.scalars(query))


def datasets_for_algorithm(session: Session, alg: AlgorithmRow) -> list[Match]:
    """Catalogue datasets linked to ``alg`` (by relation), then those it could apply to."""
    record = AlgorithmRecord.model_validate(alg.projection)
    matches: dict[str, Match] = {}
    rows = {r.iri: r for r in session.scalars(sa.select(DatasetRow).order_by(DatasetRow.title))}
    for link in _linked(session, algorithm_id=alg.id):
        row = rows.get(link.dataset_iri)
        if row is not None:
            match = matches.setdefault(row.iri, Match(row.iri, row.identifier, row.title))
            match.relations.append(link.relation)
    for row in rows.values():
        score, reasons = could_apply(record, DatasetRecord.model_validate(row.projection))
        if reasons:
            match = matches.setdefault(row.iri, Match(row.iri, row.identifier, row.title))
            match.reasons, match.score = reasons, score
    return sorted(matches.values(), key=lambda m: (not m.relations, -m.score, m.title))


def algorithms_for_dataset(session: Session, dataset_row: DatasetRow) -> list[Match]:
    """Algorithms linked to ``dataset_row`` (trained, tested, ... on it), then those that could
    apply to it."""
    dataset = DatasetRecord.model_validate(dataset_row.projection)
    matches: dict[str, Match] = {}
    algs = {a.id: a for a in session.scalars(sa.select(AlgorithmRow).order_by(AlgorithmRow.title))}
    for link in _linked(session, dataset_iri=dataset_row.iri):
        alg = algs[link.algorithm_id]
        match = matches.setdefault(alg.iri, Match(alg.iri, alg.identifier, alg.title))
        match.relations.append(link.relation)
    for alg in algs.values():
        score, reasons = could_apply(AlgorithmRecord.model_validate(alg.projection), dataset)
        if reasons:
            match = matches.setdefault(alg.iri, Match(alg.iri, alg.identifier, alg.title))
            match.reasons, match.score = reasons, score
    return sorted(matches.values(), key=lambda m: (not m.relations, -m.score, m.title))
