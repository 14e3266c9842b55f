"""Data types and modalities (codes of the ai-modalities vocabulary) against what the record says
about its kind of data.

- meets: a controlled value names it: a health category (EHRS for structured EHR data, HGPD for
  genomics, ...), a standard (DICOM for imaging, FHIR/OMOP for EHR data) or a media type
  (application/dicom, image/*); and, for structured types, healthdcatap:hasStructuredData true.
- partly: only a keyword (dcat:keyword) suggests it.
- fails: a structured type (ehr, tabular, claims, registry, questionnaire) is wanted and the record
  states healthdcatap:hasStructuredData false.
- unknown: nothing in the record speaks to it.
"""

from __future__ import annotations

import re

from kimed.catalog.suitability.criteria.base import (
    DCAT,
    DCT,
    HEALTH,
    Check,
    Criterion,
    Verdict,
    evidence,
)

HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
STD = "https://hdeu-dcat.data.health.europa.eu/resource/authority/standard/"
STRUCTURED = {"ehr", "tabular", "claims", "registry", "questionnaire"}
IMAGE_WORDS = r"imaging|neuroimaging|mri|fmri|mrt|computed tomography|ct|radiograph\w*|x-ray|" \
              r"bildgebung|röntgen\w*|dicom"
TEXT_WORDS = r"clinical text|discharge (letter|summary)|nursing notes|radiology report|" \
             r"text corpus|arztbrief\w*|klinische\w* text\w*|freitext\w*"

# modality -> (health categories, standards, media-type patterns, keyword pattern)
SIGNALS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str | None, str]] = {
    "imaging": ((), ("DICOM",), r"application/dicom|image/", IMAGE_WORDS),
    "radiology": ((), ("DICOM",), r"application/dicom", r"radiolog\w*|radiograph\w*|x-ray|"
                  r"computed tomography|röntgen\w*|chest"),
    "image": ((), ("DICOM",), r"application/dicom|image/", IMAGE_WORDS),
    "histopathology": ((), (), None, r"histopatholog\w*|whole-slide|pathology"),
    "ophthalmic-imaging": ((), (), None, r"fundus|retina\w*|oct|ophthalm\w*"),
    "dermatology-photo": ((), (), None, r"dermatolog\w*|skin lesion\w*"),
    "endoscopy": ((), (), None, r"endoscop\w*|koloskop\w*|colonoscop\w*"),
    "clinical-text": ((), (), None, TEXT_WORDS),
    "text": ((), (), r"text/", TEXT_WORDS + r"|natural language processing|text"),
    "ehr": (("EHRS",), ("FHIR", "OMOP-CDM", "OPENEHR", "ISO-13606-1", "CDA"), None,
            r"electronic health record\w*|hospital data|routine care data|patientenakte|"
            r"routinedaten|krankenhausdaten"),
    "claims": (("HRAD",), (), None, r"claims|statutory health insurance|abrechnungsdaten|"
               r"krankenkasse\w*"),
    "registry": (("PHDR", "MRMR", "RMMD"), (), None, r"regist\w*"),
    "questionnaire": (("RQSH",), (), None, r"survey|questionnaire\w*|fragebogen\w*|befragung"),
    "genomics": (("HGPD",), (), None, r"geno\w*|genetic\w*|sequencing|genet\w*"),
    "omics": (("HPML", "HGPD"), (), None, r"\w*omics|proteom\w*|metabolom\w*"),
    "biosignals": (("PGEH",), (), None, r"vital signs|waveform\w*|biosignal\w*|ecg|eeg|ekg"),
    "ecg": ((), (), None, r"ecg|ekg|electrocardiogra\w*|elektrokardiogra\w*"),
    "eeg": ((), (), None, r"eeg|electroencephalogra\w*|elektroenzephalogra\w*"),
    "wearables": (("PGEH", "WELA"), (), None, r"wearable\w*|sensor\w*|fitness tracker\w*"),
    "environmental": (("DIOH",), (), None, r"air quality|exposome|particulate matter|"
                      r"nitrogen dioxide|luftqualität|umwelt\w*|feinstaub"),
    "tabular": ((), (), None, r"tabular|tabellen\w*"),
    "audio": ((), (), r"audio/", r"audio|speech|sprache"),
    "video": ((), (), r"video/", r"video\w*"),
    "label": ((), (), None, r"annotation\w*|label\w*|gold standard"),
    "mask": ((), (), None, r"segmentation\w*|segmentierung\w*|mask\w*"),
}


def _media_types(record) -> list[str]:
    return sorted({d.media_type for d in record.distributions if d.media_type})


class DataTypes(Criterion):
    name = "data_types"
    label = "Data types"

    def asked(self, profile) -> bool:
        return bool(profile.data_types)

    def checks(self, profile, subject) -> list[Check]:
        return [self._one(code, subject.record) for code in profile.data_types]

    def _one(self, code: str, record) -> Check:
        categories, standards, media, words = SIGNALS[code]
        structured = record.has_structured_data
        flag = evidence(HEALTH + "hasStructuredData",
                        [] if structured is None else [str(structured).lower()])
        if code in STRUCTURED and structured is False:
            return Check.of("data_type", Verdict.FAILS, "type_unstructured", [flag], type=code)
        strong = []
        cats = [c for c in record.health_categories if c in {HC + x for x in categories}]
        if cats:
            strong.append(evidence(HEALTH + "healthCategory", cats))
        stds = [s for s in record.standards if s in {STD + x for x in standards}]
        if stds:
            strong.append(evidence(DCT + "conformsTo", stds))
        types = [m for m in _media_types(record) if media and re.search(media, m)]
        if types:
            strong.append(evidence(DCAT + "mediaType", types))
        if code == "tabular" and structured:
            strong.append(flag)
        if strong:
            return Check.of("data_type", Verdict.MEETS, "type_controlled", strong, type=code)
        pattern = re.compile(rf"\b({words})\b", re.IGNORECASE)
        keywords = [k for ks in record.keywords.values() for k in ks if pattern.search(k)]
        if keywords:
            return Check.of("data_type", Verdict.PARTLY, "type_keyword",
                            [evidence(DCAT + "keyword", keywords)], type=code)
        return Check.of("data_type", Verdict.UNKNOWN, "type_silent",
                        [evidence(HEALTH + "healthCategory", record.health_categories),
                         evidence(DCT + "conformsTo", record.standards)], type=code)
