"""The research profile: what a project needs from a dataset (see docs/suitability.md).

A profile is read from YAML or JSON (:func:`load_profile`), from a mapping (:func:`parse_profile`)
or from URL parameters (kimed.catalog.suitability.urlparams). Every problem is reported as a
:class:`ProfileError` naming the field, the rule and where the profile came from.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kimed.catalog.suitability import purposes
from kimed.catalog.suitability.weights import RuleError, validate_weights

ConditionSystem = Literal["icd10", "snomed", "health-category"]
SYSTEM_PREFIXES = {"icd10": "icd10", "icd-10": "icd10", "snomed": "snomed", "sct": "snomed",
                   "hc": "health-category", "health-category": "health-category"}
ICD10 = re.compile(r"[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?")
SNOMED = re.compile(r"[1-9][0-9]{5,17}")
STANDARD_ALIASES = {"OMOP": "OMOP-CDM", "SNOMED": "SNOMED-CT", "SNOMED CT": "SNOMED-CT",
                    "ICD10": "ICD-10", "ICD-10-GM": "ICD-10-NAT", "OPENEHR": "OPENEHR",
                    "HL7 FHIR": "FHIR", "ICD11": "ICD-11"}


class ProfileProblem(BaseModel):
    field: str
    message: str
    rule: str


class ProfileError(ValueError):
    """A profile that breaks one or more rules; ``problems`` lists them, each with its field."""

    def __init__(self, problems: list[ProfileProblem], source: str = "profile") -> None:
        self.problems, self.source = problems, source
        super().__init__("; ".join(f"{source}: {p.field}: {p.message} [rule: {p.rule}]"
                                   for p in problems))


class Condition(BaseModel):
    model_config = ConfigDict(frozen=True)
    system: ConditionSystem
    code: str

    def __str__(self) -> str:
        return {"icd10": "ICD-10", "snomed": "SNOMED CT",
                "health-category": "health category"}[self.system] + f" {self.code}"


def detect_system(code: str) -> ConditionSystem | None:
    """The system a bare code belongs to: an EHDS health category code, a SNOMED CT concept id
    (digits only) or an ICD-10 code (letter, two digits, optional decimals)."""
    from kimed.vocab import get_vocabulary

    if get_vocabulary("health-categories").by_code(code.upper()):
        return "health-category"
    if SNOMED.fullmatch(code):
        return "snomed"
    if ICD10.fullmatch(code.upper()):
        return "icd10"
    return None


def parse_condition(value: Any) -> Condition:
    if isinstance(value, Condition):
        return value
    if isinstance(value, dict):
        system = SYSTEM_PREFIXES.get(str(value.get("system", "")).lower())
        code = str(value.get("code", "")).strip()
        if system is None:
            raise ValueError(f"system {value.get('system')!r} is not one of icd10, snomed, "
                             "health-category")
    else:
        text = str(value).strip()
        prefix, sep, rest = text.partition(":")
        if sep and prefix.lower() in SYSTEM_PREFIXES:
            system, code = SYSTEM_PREFIXES[prefix.lower()], rest.strip()
        elif text.startswith("https://hdeu-dcat.data.health.europa.eu/resource/authority/"
                             "healthcategories/"):
            system, code = "health-category", text.rsplit("/", 1)[1]
        else:
            system, code = detect_system(text), text
            if system is None:
                raise ValueError(f"{text!r} is not an ICD-10 code (e.g. I63), a SNOMED CT "
                                 "concept id (digits) or an EHDS health category code (e.g. EHRS)")
    if system == "icd10":
        code = code.upper()
        if not ICD10.fullmatch(code):
            raise ValueError(f"{code!r} is not an ICD-10 code (letter, two digits, optional "
                             "decimals)")
    elif system == "snomed" and not SNOMED.fullmatch(code):
        raise ValueError(f"{code!r} is not a SNOMED CT concept id (6-18 digits)")
    elif system == "health-category":
        from kimed.vocab import get_vocabulary

        code = code.upper()
        if get_vocabulary("health-categories").by_code(code) is None:
            raise ValueError(f"{code!r} is not an EHDS health category code (vocabulary "
                             "health-categories, Regulation (EU) 2025/327 Art. 51)")
    return Condition(system=system, code=code)


class Population(BaseModel):
    model_config = ConfigDict(extra="forbid")
    age_min: int | None = Field(None, ge=0, le=150)
    age_max: int | None = Field(None, ge=0, le=150)
    sex: Literal["any", "female", "male"] = "any"
    min_individuals: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _order(self) -> Population:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise RuleError("population.age_min", "must be <= population.age_max "
                            f"({self.age_min} > {self.age_max})", "age_min <= age_max")
        return self


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: date | None = None
    end: date | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _year(cls, value: Any, info) -> Any:
        text = str(value).strip() if value is not None else ""
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 1, 1) if info.field_name == "start" else date(int(text), 12, 31)
        return value or None

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.start and self.end and self.start > self.end:
            raise RuleError("period.start", f"must be <= period.end ({self.start} > {self.end})",
                            "start <= end")
        return self


class Access(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: str | None = Field(None, description=f"{purposes.SOURCE}: a, b, c, d, e, e-i, e-ii, f")
    commercial: bool = False
    cross_border: bool = False

    @field_validator("purpose", mode="before")
    @classmethod
    def _purpose(cls, value: Any) -> str | None:
        if value in (None, ""):
            return None
        code = str(value).strip().lower().strip("()").replace("(", "-").replace(")", "")
        if code not in purposes.codes():
            raise ValueError(f"{value!r} is not a purpose of {purposes.SOURCE}; use one of "
                             + ", ".join(purposes.codes()))
        return code


def _codes_of(key: str) -> dict[str, str]:
    from kimed.vocab import get_vocabulary

    return {c.code.upper(): c.code for c in get_vocabulary(key).concepts}


class ResearchProfile(BaseModel):
    """What a research project needs. Every part is optional; an empty part is not assessed."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200)
    conditions: list[Condition] = Field(default_factory=list)
    population: Population = Field(default_factory=Population)
    places: list[str] = Field(default_factory=list)
    period: Period = Field(default_factory=Period)
    data_types: list[str] = Field(default_factory=list)
    standards: list[str] = Field(default_factory=list)
    variables: list[str] = Field(default_factory=list)
    access: Access = Field(default_factory=Access)
    frequency: str | None = None
    weights: dict[str, float] = Field(default_factory=dict)

    @field_validator("conditions", mode="before")
    @classmethod
    def _conditions(cls, value: Any) -> list[Condition]:
        items = value if isinstance(value, list) else [value]
        out = []
        for i, item in enumerate(items):
            if item in (None, ""):
                continue
            try:
                out.append(parse_condition(item))
            except ValueError as exc:
                raise RuleError(f"conditions[{i}]", str(exc),
                                RULES["conditions"]) from None
        return list(dict.fromkeys(out))

    @field_validator("places", "variables", mode="before")
    @classmethod
    def _strings(cls, value: Any) -> list[str]:
        items = value if isinstance(value, list) else [value]
        return list(dict.fromkeys(str(v).strip() for v in items if str(v or "").strip()))

    @field_validator("data_types", mode="before")
    @classmethod
    def _data_types(cls, value: Any) -> list[str]:
        known = _codes_of("ai-modalities")
        out = []
        for item in value if isinstance(value, list) else [value]:
            code = str(item).strip()
            if code.upper() not in known:
                raise ValueError(f"{code!r} is not a code of the vocabulary ai-modalities "
                                 f"(known: {', '.join(sorted(known.values()))})")
            out.append(known[code.upper()])
        return list(dict.fromkeys(out))

    @field_validator("standards", mode="before")
    @classmethod
    def _standards(cls, value: Any) -> list[str]:
        known = {**_codes_of("coding-systems"), **_codes_of("standards")}
        out = []
        for item in value if isinstance(value, list) else [value]:
            text = str(item).strip()
            if re.match(r"https?://", text):
                out.append(text)
                continue
            code = STANDARD_ALIASES.get(text.upper(), text).upper()
            if code not in known:
                raise ValueError(f"{text!r} is not a code of the vocabularies standards or "
                                 "coding-systems (e.g. FHIR, OMOP-CDM, DICOM, SNOMED-CT, LOINC), "
                                 "nor an http(s) IRI")
            out.append(known[code])
        return list(dict.fromkeys(out))

    @field_validator("frequency", mode="before")
    @classmethod
    def _frequency(cls, value: Any) -> str | None:
        if value in (None, ""):
            return None
        known = _codes_of("frequencies")
        code = str(value).strip().rsplit("/", 1)[-1].upper()
        if code not in known:
            raise ValueError(f"{value!r} is not a code of the EU frequency vocabulary "
                             "(e.g. DAILY, MONTHLY, ANNUAL)")
        return known[code]

    @field_validator("weights", mode="before")
    @classmethod
    def _weights(cls, value: Any) -> dict[str, float]:
        return validate_weights(value or {}, "weights")

    def is_empty(self) -> bool:
        blank = ResearchProfile(name=self.name, weights=self.weights)
        return self == blank


def _field(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        else:
            parts.append(str(item))
    return ".".join(parts) or "profile"


def problems_of(exc: ValidationError) -> list[ProfileProblem]:
    out = []
    for error in exc.errors():
        original = (error.get("ctx") or {}).get("error")
        if isinstance(original, RuleError):
            out.append(ProfileProblem(field=original.field, message=original.message,
                                      rule=original.rule))
            continue
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        field = _field(tuple(error.get("loc", ())))
        rule = RULES.get(field.split("[")[0].split(".")[0], str(error.get("type")))
        if error.get("type") != "value_error":
            rule = str(error.get("type"))
        out.append(ProfileProblem(field=field, message=message, rule=rule))
    return out


RULES = {"conditions": "ICD-10, SNOMED CT or EHDS health category code",
         "data_types": "vocabulary ai-modalities",
         "standards": "vocabularies standards / coding-systems",
         "frequency": "vocabulary frequencies", "access": f"purpose of {purposes.SOURCE}"}


def parse_profile(data: Any, source: str = "profile") -> ResearchProfile:
    """A profile from a mapping; ProfileError (naming field, rule, source) when it is not valid."""
    if not isinstance(data, dict):
        raise ProfileError([ProfileProblem(field="profile", rule="type",
                                           message="must be a mapping of fields")], source)
    try:
        return ResearchProfile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(problems_of(exc), source) from None


def load_profile(path: str | Path) -> ResearchProfile:
    """Read a profile from a YAML (.yaml/.yml) or JSON (.json) file."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError([ProfileProblem(field="profile", rule="readable file",
                                           message=exc.strerror or str(exc))], source) from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # json.JSONDecodeError, yaml.YAMLError
        raise ProfileError([ProfileProblem(field="profile", rule="YAML or JSON syntax",
                                           message=" ".join(str(exc).split())[:200])],
                           source) from None
    return parse_profile(data or {}, source)


def dump_profile(profile: ResearchProfile) -> dict:
    """The profile as a plain mapping, only the parts that are set (the file format)."""
    data = profile.model_dump(mode="json", exclude_defaults=True)
    if "conditions" in data:
        data["conditions"] = [condition_text(c) for c in profile.conditions]
    return data


def condition_text(condition: Condition) -> str:
    """The shortest text that parses back to ``condition`` (``I63``, ``snomed:...``)."""
    if detect_system(condition.code) == condition.system:
        return condition.code
    return f"{condition.system}:{condition.code}"
