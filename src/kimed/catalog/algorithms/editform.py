"""The editing form of an algorithm record as typed data: :class:`AlgorithmForm`, and reading it
from the strings an HTML form sends (:func:`parse_algorithm_form`).

The form covers what a provider maintains: texts in English and German, version, keywords, use
and limits, licence, the health context (task, task type, input modality, health categories),
the regulatory status, the KIMed SPE pipeline and the repository and landing page. Vocabulary
values may be sent as a concept URI or as its code (``segmentation``, ``MR``); anything else is
refused with an error that names the field and the vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from kimed.catalog.editform import FieldError, form_bool, parse_values

# Input -> the vocabularies its values come from (first match wins for a code).
VOCABS: dict[str, tuple[str, ...]] = {
    "tasks": ("ai-tasks",),
    "task_types": ("ml-task-types",),
    "input_modalities": ("dicom-modalities", "ai-modalities"),
    "health_categories": ("health-categories",),
    "regulatory_classes": ("regulatory-classes",),
}
# The property each vocabulary input fills, named in its errors.
VOCAB_PROPS = {"tasks": "kimed:task", "task_types": "mldcat:hasTaskType",
               "input_modalities": "mldcat:hasInputModality",
               "health_categories": "kimed:healthCategory",
               "regulatory_classes": "kimed:regulatoryClass"}
TEXT_LISTS = ("keywords_en", "keywords_de")  # one per line in a textarea
URL_LISTS = ("licenses", "repositories")  # repeated inputs
LIST_FIELDS = (*TEXT_LISTS, *URL_LISTS, *VOCABS)
GROUP_OF = {
    "title_en": "title", "title_de": "title",
    "description_en": "description", "description_de": "description",
    "keywords_en": "keywords", "keywords_de": "keywords",
    "intended_use_en": "intended_use", "intended_use_de": "intended_use",
    "runnable_in_spe": "spe", "pipeline": "spe",
}
RULES = {
    **{name: "vocabulary " + " or ".join(keys) for name, keys in VOCABS.items()},
    "licenses": "http(s) URL", "repositories": "http(s) URL", "landing_page": "http(s) URL",
    "ce_marked": "xsd:boolean", "runnable_in_spe": "xsd:boolean",
    "pipeline": "pipeline name", "version": "dcat:version",
}
_WEB = re.compile(r"^https?://[^\s/]+\S*$")
_PIPELINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def concept_uri(name: str, value: str) -> str:
    """The concept URI a submitted value (URI or code) names in the vocabularies of input
    ``name``; ValueError naming the property and the vocabularies otherwise."""
    from kimed.vocab import get_vocabulary

    vocabs = [get_vocabulary(key) for key in VOCABS[name]]
    for vocab in vocabs:
        if value in vocab:
            return value
    for vocab in vocabs:
        concept = vocab.by_code(value)
        if concept is not None:
            return concept.uri
    sources = "; ".join(f"vocabulary {v.key!r} ({v.source})" for v in vocabs)
    raise ValueError(f"{VOCAB_PROPS[name]}: {value!r} is neither a code nor a concept of "
                     f"{sources}")


class AlgorithmForm(BaseModel):
    """The values of the algorithm editing form. Empty means "not stated"."""

    model_config = ConfigDict(extra="forbid")

    title_en: str = ""
    title_de: str = ""
    description_en: str = ""
    description_de: str = ""
    version: str | None = None
    keywords_en: list[str] = []
    keywords_de: list[str] = []
    intended_use_en: str = ""
    intended_use_de: str = ""
    limitations: str = ""
    bias: str = ""
    licenses: list[str] = []
    tasks: list[str] = []
    task_types: list[str] = []
    input_modalities: list[str] = []
    health_categories: list[str] = []
    regulatory_classes: list[str] = []
    ce_marked: bool | None = None
    notified_body: str | None = None
    fda_clearance: str | None = None
    runnable_in_spe: bool | None = None
    pipeline: str | None = None
    repositories: list[str] = []
    landing_page: str | None = None

    @field_validator("title_en", "title_de", "description_en", "description_de",
                     "intended_use_en", "intended_use_de", "limitations", "bias", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return "" if value is None else str(value).replace("\r\n", "\n").strip()

    @field_validator("version", "notified_body", "fda_clearance", "pipeline", "landing_page",
                     mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
        return value or None

    @field_validator(*LIST_FIELDS, mode="before")
    @classmethod
    def _list(cls, value: Any, info: ValidationInfo) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = re.split(r"\n" if info.field_name in TEXT_LISTS else r"[\s,;]+", value)
        out: list[str] = []
        for item in value:
            item = str(item).strip()
            if item and item not in out:
                out.append(item)
        return out

    @field_validator(*VOCABS)
    @classmethod
    def _concepts(cls, value: list[str], info: ValidationInfo) -> list[str]:
        out: list[str] = []
        for item in value:
            uri = concept_uri(info.field_name, item)
            if uri not in out:
                out.append(uri)
        return out

    @field_validator(*URL_LISTS)
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not _WEB.match(v)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a web address (http:// or https://)")
        return value

    @field_validator("landing_page")
    @classmethod
    def _web(cls, value: str | None) -> str | None:
        if value is not None and not _WEB.match(value):
            raise ValueError(f"{value!r} is not a web address (http:// or https://)")
        return value

    @field_validator("pipeline")
    @classmethod
    def _pipeline(cls, value: str | None) -> str | None:
        if value is not None and not _PIPELINE.match(value):
            raise ValueError(f"{value!r} is not a pipeline name: a letter or digit, then letters, "
                             "digits, '.', '_' or '-' (at most 100)")
        return value

    @field_validator("ce_marked", "runnable_in_spe", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> bool | None:
        return form_bool(value)

    @model_validator(mode="after")
    def _spe(self) -> AlgorithmForm:
        if self.runnable_in_spe and not self.pipeline:
            raise ValueError("pipeline: an algorithm that runs in the KIMed SPE names the "
                             "pipeline that runs it (kimed:pipeline)")
        return self


def parse_algorithm_form(raw: Mapping[str, Any]) -> tuple[AlgorithmForm | None, list[FieldError]]:
    """A form from submitted values; returns (form, []) or (None, errors per field group)."""
    return parse_values(AlgorithmForm, raw, LIST_FIELDS, GROUP_OF, RULES)
