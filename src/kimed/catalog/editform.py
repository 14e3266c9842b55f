"""The editing form of a dataset record as typed data: :class:`DatasetForm`, and reading it from
the strings an HTML form sends (:func:`parse_form`).

The form covers the core HealthDCAT-AP Release 8 fields. Each input belongs to a *field group*
(``title`` holds ``title_en`` and ``title_de``); errors and SHACL findings are reported per group,
so a page can show them next to the inputs they concern. kimed.catalog.editing turns a form into
RDF and back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

LANGS = ("en", "de")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
M = TypeVar("M", bound=BaseModel)
_IDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._/-]{0,199}$")

# Input name -> field group (where its errors and findings are shown).
GROUP_OF = {
    "title_en": "title", "title_de": "title",
    "description_en": "description", "description_de": "description",
    "keywords_en": "keywords", "keywords_de": "keywords",
    "temporal_start": "temporal", "temporal_end": "temporal",
    "distribution_access_url": "distribution", "distribution_format": "distribution",
}
LIST_FIELDS = ("keywords_en", "keywords_de", "health_categories", "themes", "coding_systems",
               "standards", "languages", "applicable_legislation")


@dataclass(frozen=True)
class FieldError:
    """Why a field's value cannot be taken: the group, the message, and the rule it breaks."""

    field: str
    message: str
    rule: str
    input: str | None = None  # the input's name, when it is one input of the group

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def form_bool(value: Any) -> bool | None:
    """A yes/no form value: true/yes/1/on, false/no/0/off, or None for empty or "unknown"."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "unknown"):
        return None
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise ValueError(f"{value!r} must be true or false")


class DatasetForm(BaseModel):
    """The values of the editing form. IRIs are absolute; empty means "not stated"."""

    model_config = ConfigDict(extra="forbid")

    identifier: str | None = None
    title_en: str = ""
    title_de: str = ""
    description_en: str = ""
    description_de: str = ""
    keywords_en: list[str] = []
    keywords_de: list[str] = []
    access_rights: str | None = None
    publisher: str | None = None
    hdab: str | None = None
    health_categories: list[str] = []
    themes: list[str] = []
    coding_systems: list[str] = []
    standards: list[str] = []
    languages: list[str] = []
    applicable_legislation: list[str] = []
    number_of_unique_individuals: int | None = None
    min_typical_age: int | None = None
    max_typical_age: int | None = None
    temporal_start: date | None = None
    temporal_end: date | None = None
    landing_page: str | None = None
    contact_email: str | None = None
    has_structured_data: bool | None = None
    distribution_access_url: str | None = None
    distribution_format: str | None = None

    @field_validator("title_en", "title_de", "description_en", "description_de", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        return "" if value is None else str(value).strip()

    @field_validator("identifier", "access_rights", "publisher", "hdab", "landing_page",
                     "contact_email", "distribution_access_url", "distribution_format",
                     mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
        return value or None

    @field_validator("identifier")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value is not None and not _IDENT.match(value):
            raise ValueError("must start with a letter or digit and hold only letters, digits "
                             "and : . _ / - (at most 200 characters)")
        return value

    @field_validator("access_rights", "publisher", "hdab", "distribution_format")
    @classmethod
    def _iri(cls, value: str | None) -> str | None:
        if value is not None and not is_iri(value):
            raise ValueError(f"{value!r} is not an absolute IRI")
        return value

    @field_validator("landing_page", "distribution_access_url")
    @classmethod
    def _web(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+\S*$", value):
            raise ValueError(f"{value!r} is not a web address (http:// or https://)")
        return value

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.removeprefix("mailto:")
        if not _EMAIL.match(value) or len(value) > 254:
            raise ValueError(f"{value!r} is not an e-mail address (name@domain.tld)")
        return value

    @field_validator(*LIST_FIELDS, mode="before")
    @classmethod
    def _list(cls, value: Any, info: ValidationInfo) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):  # keywords: one per line; IRIs: also by space or comma
            value = re.split(r"\n" if info.field_name.startswith("keywords") else r"[\s,;]",
                             value)
        out: list[str] = []
        for item in value:
            item = str(item).strip()
            if item and item not in out:
                out.append(item)
        return out

    @field_validator("health_categories", "themes", "coding_systems", "standards", "languages",
                     "applicable_legislation")
    @classmethod
    def _iris(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not is_iri(v)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an absolute IRI")
        return value

    @field_validator("number_of_unique_individuals", "min_typical_age", "max_typical_age",
                     mode="before")
    @classmethod
    def _count(cls, value: Any) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise ValueError("must be a whole number, 0 or more")
        text = str(value).strip().replace("_", "")
        if not re.fullmatch(r"\d+", text):
            raise ValueError(f"{str(value)!r} must be a whole number, 0 or more")
        return int(text)

    @field_validator("temporal_start", "temporal_end", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{str(value)!r} must be a date, YYYY-MM-DD") from None

    @field_validator("has_structured_data", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> bool | None:
        return form_bool(value)

    @model_validator(mode="after")
    def _ranges(self) -> DatasetForm:
        lo, hi = self.min_typical_age, self.max_typical_age
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("max_typical_age: the oldest age must not be below the youngest")
        start, end = self.temporal_start, self.temporal_end
        if start is not None and end is not None and start > end:
            raise ValueError("temporal_end: the end must not be before the start")
        return self


# The rule each input's type stands for, named in errors.
RULES = {
    "number_of_unique_individuals": "xsd:nonNegativeInteger", "min_typical_age":
    "xsd:nonNegativeInteger", "max_typical_age": "xsd:nonNegativeInteger",
    "temporal_start": "xsd:date", "temporal_end": "xsd:date", "has_structured_data": "xsd:boolean",
    "contact_email": "e-mail address", "landing_page": "http(s) URL",
    "distribution_access_url": "http(s) URL", "identifier": "identifier syntax",
}


def is_iri(value: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", value))


def errors_of(exc: ValidationError, groups: Mapping[str, str] | None = None,
              rules: Mapping[str, str] | None = None) -> list[FieldError]:
    """Our FieldErrors for a pydantic ValidationError of a form model (by default
    :class:`DatasetForm`, whose inputs ``groups`` maps to field groups and ``rules`` to rules)."""
    groups = GROUP_OF if groups is None else groups
    rules = RULES if rules is None else rules
    out = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        name = loc[0] if loc else ""
        if not name and ": " in message:  # a model-level rule names its input first
            name, message = message.split(": ", 1)
        if error.get("type") == "extra_forbidden":
            message = "is not a field of the form"
        rule = rules.get(name, "range" if error.get("type") == "value_error" and not loc
                         else error.get("type", "invalid"))
        out.append(FieldError(groups.get(name, name or "form"), message, rule, name or None))
    return out


def parse_values(model: type[M], raw: Mapping[str, Any], list_fields: Iterable[str],
                 groups: Mapping[str, str] | None = None,
                 rules: Mapping[str, str] | None = None) -> tuple[M | None, list[FieldError]]:
    """An instance of the form ``model`` from submitted values (strings, or lists for repeated
    inputs; only ``list_fields`` keep lists); keys that are not its fields are ignored."""
    lists = set(list_fields)
    data: dict[str, Any] = {}
    for name in model.model_fields:
        if name not in raw:
            continue
        value = raw[name]
        if name not in lists and isinstance(value, list):
            value = value[-1] if value else None
        data[name] = value
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, errors_of(exc, groups, rules)


def parse_form(raw: Mapping[str, Any]) -> tuple[DatasetForm | None, list[FieldError]]:
    """A form from submitted values (strings, or lists for repeated inputs); keys that are not
    form fields are ignored. Returns (form, []) or (None, errors)."""
    return parse_values(DatasetForm, raw, LIST_FIELDS)
