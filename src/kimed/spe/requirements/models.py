"""Operating models for an SPE, and how well each meets the requirements catalogue.

An operating model (a central regional SPE, institutional SPEs, federated analysis, ...) rates
every category of the catalogue as supports / partial / not / n.a. with a justification, and may
override that default for single requirements. :func:`assess` turns the models and the
requirements into a matrix (requirement x model), coverage scores and a gap analysis.

The YAML format is fixed in the shared schema (``data/operating-models/<id>.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kimed.spe.requirements.schema import AREAS as _SCHEMA_AREAS
from kimed.spe.requirements.schema import CATEGORIES as _SCHEMA_CATEGORIES

AREAS: dict[str, dict[str, str]] = _SCHEMA_CATEGORIES  # area -> {category: code}
AREA_CODES: dict[str, str] = _SCHEMA_AREAS  # area -> code
CATEGORIES: tuple[str, ...] = tuple(c for cats in AREAS.values() for c in cats)
CATEGORY_AREA = {c: area for area, cats in AREAS.items() for c in cats}
SCENARIOS = ("clinical-text", "phenotyping-omics", "imaging-3d", "exposome-linkage")
RATINGS = ("supports", "partial", "not", "n.a.")
POINTS = {"supports": 1.0, "partial": 0.5, "not": 0.0}  # n.a. is left out of the scores
LEVELS = ("MUST", "SHOULD", "MAY")
REQUIREMENT_ID = re.compile(r"^KIM-(TEC|REG|ORG|GOV)-([A-Z]{3})-(\d{3})$")
MODEL_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DATA_DIR = Path(__file__).parent / "data" / "operating-models"

RatingValue = Literal["supports", "partial", "not", "n.a."]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    en: str = Field(min_length=1)
    de: str = Field(min_length=1)


class Rating(_Strict):
    rating: RatingValue
    why: str = Field(min_length=20)


class Dimensions(_Strict):
    cost: int = Field(ge=1, le=5)
    effort: int = Field(ge=1, le=5)
    legal_risk: int = Field(ge=1, le=5)
    note: str = Field(min_length=20)


class ScenarioFit(_Strict):
    fit: Literal["good", "fair", "poor"]
    why: str = Field(min_length=20)


class OperatingModel(_Strict):
    id: str
    name: Text
    summary: Text
    variant_of: str | None = None
    dimensions: Dimensions
    scenarios: dict[str, ScenarioFit]
    defaults: dict[str, Rating]
    overrides: dict[str, Rating] = Field(default_factory=dict)

    def rate(self, requirement_id: str, category: str) -> tuple[Rating, str]:
        """The rating of one requirement and where it comes from ('override' or 'default')."""
        if requirement_id in self.overrides:
            return self.overrides[requirement_id], "override"
        return self.defaults[category], "default"


@dataclass(frozen=True)
class Problem:
    """One broken rule in one model file."""

    file: str
    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: [{self.rule}] {self.message}"


class ModelFileError(ValueError):
    """Operating-model files that break the schema; ``problems`` names file, field and rule."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _pydantic_problems(name: str, error: ValidationError) -> list[Problem]:
    out = []
    for item in error.errors():
        loc = ".".join(str(part) for part in item["loc"])
        out.append(Problem(name, loc, item["type"], item["msg"]))
    return out


def category_of(requirement_id: str) -> str | None:
    """The category that a requirement id's area and category codes name, or None."""
    match = REQUIREMENT_ID.match(requirement_id)
    if not match:
        return None
    area = next(a for a, code in AREA_CODES.items() if code == match.group(1))
    return next((c for c, code in AREAS[area].items() if code == match.group(2)), None)


def check_model(model: OperatingModel, name: str) -> list[Problem]:
    """The rules of one model that pydantic's types do not express."""
    problems = []
    stem = Path(name).stem
    if not MODEL_ID.match(model.id):
        problems.append(Problem(name, "id", "id-format",
                                f"'{model.id}' is not lower-case words joined by hyphens"))
    elif model.id != stem:
        problems.append(Problem(name, "id", "id-matches-file",
                                f"id '{model.id}' differs from the file name '{stem}'"))
    for cat in CATEGORIES:
        if cat not in model.defaults:
            problems.append(Problem(name, f"defaults.{cat}", "every-category-rated",
                                    f"category '{cat}' has no rating"))
    for cat in model.defaults:
        if cat not in CATEGORY_AREA:
            problems.append(Problem(name, f"defaults.{cat}", "known-category",
                                    f"'{cat}' is not a category of the catalogue"))
    for scenario in SCENARIOS:
        if scenario not in model.scenarios:
            problems.append(Problem(name, f"scenarios.{scenario}", "every-scenario-fitted",
                                    f"scenario '{scenario}' has no fit"))
    for scenario in model.scenarios:
        if scenario not in SCENARIOS:
            problems.append(Problem(name, f"scenarios.{scenario}", "known-scenario",
                                    f"'{scenario}' is not one of {', '.join(SCENARIOS)}"))
    for req_id, rating in model.overrides.items():
        where = f"overrides.{req_id}"
        category = category_of(req_id)
        if not REQUIREMENT_ID.match(req_id):
            problems.append(Problem(name, where, "override-id-format",
                                    "not a requirement id KIM-<AREA>-<CAT>-<NNN>"))
        elif category is None:
            problems.append(Problem(name, where, "override-id-format",
                                    "the category code is not one of its area's codes"))
        elif category in model.defaults and model.defaults[category].rating == rating.rating:
            problems.append(Problem(
                name, where, "override-changes-rating",
                f"rates '{rating.rating}' like its category default; an override must differ"))
    return problems


def check_set(models: Mapping[str, OperatingModel],
              requirement_ids: Iterable[str] | None = None) -> list[Problem]:
    """Rules across files: variants name a known base model; overrides name real requirements."""
    problems = []
    known = set(requirement_ids) if requirement_ids is not None else None
    by_id = {m.id: (name, m) for name, m in models.items()}
    for name, model in models.items():
        base = model.variant_of
        if base is not None:
            if base == model.id or base not in by_id:
                problems.append(Problem(name, "variant_of", "variant-of-known-model",
                                        f"'{base}' is not another operating model"))
            elif by_id[base][1].variant_of is not None:
                problems.append(Problem(name, "variant_of", "variant-of-base-model",
                                        f"'{base}' is itself a variant; name its base model"))
        if known is not None:
            for req_id in model.overrides:
                if REQUIREMENT_ID.match(req_id) and req_id not in known:
                    problems.append(Problem(name, f"overrides.{req_id}",
                                            "override-known-requirement",
                                            "no requirement with this id in the catalogue"))
    return problems


def read_model(path: Path) -> tuple[OperatingModel | None, list[Problem]]:
    """One model file, parsed and checked on its own."""
    import yaml

    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else ""
        return None, [Problem(name, line, "yaml-syntax", str(exc).splitlines()[0])]
    if not isinstance(raw, dict):
        return None, [Problem(name, "", "mapping", "the file must hold one YAML mapping")]
    try:
        model = OperatingModel.model_validate(raw)
    except ValidationError as exc:
        return None, _pydantic_problems(name, exc)
    return model, check_model(model, name)


def load_models(directory: Path | None = None,
                requirement_ids: Iterable[str] | None = None) -> list[OperatingModel]:
    """All models in ``directory`` (default: the shipped ones), base models before variants.

    With ``requirement_ids``, overrides must name requirements that exist. Raises
    :class:`ModelFileError` listing every problem of every file.
    """
    directory = DATA_DIR if directory is None else Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ModelFileError([Problem(str(directory), "", "models-present",
                                      "no operating-model files (*.yaml) found")])
    problems: list[Problem] = []
    models: dict[str, OperatingModel] = {}
    seen: dict[str, str] = {}
    for path in files:
        model, found = read_model(path)
        problems += found
        if model is None:
            continue
        if model.id in seen:
            problems.append(Problem(path.name, "id", "unique-id",
                                    f"'{model.id}' is already used by {seen[model.id]}"))
            continue
        seen[model.id] = path.name
        models[path.name] = model
    problems += check_set(models, requirement_ids)
    if problems:
        raise ModelFileError(problems)
    return sorted(models.values(), key=lambda m: (m.variant_of or m.id, m.variant_of is not None,
                                                  m.id))


# --- assessment --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Requirement:
    """What the assessment needs of a catalogue requirement."""

    id: str
    title: str
    level: str
    category: str
    area: str


def _plain(value: Any) -> Any:
    """An enum member's value, anything else as it is."""
    return getattr(value, "value", value)


def as_requirement(item: Any) -> Requirement:
    """A :class:`Requirement` from a catalogue object or a mapping with the same fields."""
    get = item.get if isinstance(item, Mapping) else lambda key: getattr(item, key, None)
    req_id = str(get("id"))
    category = _plain(get("category")) or category_of(req_id)
    if category not in CATEGORY_AREA:
        raise ValueError(f"requirement {req_id}: unknown category '{category}'")
    area = _plain(get("area")) or CATEGORY_AREA[category]
    level = _plain(get("level"))
    return Requirement(req_id, str(get("title") or ""), str(level), category, str(area))


@dataclass(frozen=True)
class Cell:
    requirement_id: str
    model_id: str
    rating: str
    why: str
    source: str  # 'default' (the category's rating) or 'override'


@dataclass
class Score:
    points: float = 0.0
    counted: int = 0
    excluded: int = 0  # rated n.a.

    def add(self, rating: str) -> None:
        if rating in POINTS:
            self.points += POINTS[rating]
            self.counted += 1
        else:
            self.excluded += 1

    @property
    def value(self) -> float | None:
        """Share of the counted requirements met, 0..1; None when all were n.a."""
        return self.points / self.counted if self.counted else None

    def as_dict(self) -> dict:
        value = self.value
        return {"score": None if value is None else round(value, 4), "points": self.points,
                "counted": self.counted, "not_applicable": self.excluded}


@dataclass
class Coverage:
    overall: Score = field(default_factory=Score)
    by_area: dict[str, Score] = field(default_factory=dict)
    by_level: dict[str, Score] = field(default_factory=dict)
    by_category: dict[str, Score] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"overall": self.overall.as_dict(),
                "by_area": {k: v.as_dict() for k, v in self.by_area.items()},
                "by_level": {k: v.as_dict() for k, v in self.by_level.items()},
                "by_category": {k: v.as_dict() for k, v in self.by_category.items()}}


@dataclass
class Matrix:
    """Every requirement rated under every model."""

    requirements: list[Requirement]
    models: list[OperatingModel]
    cells: dict[tuple[str, str], Cell]
    coverage: dict[str, Coverage]

    def cell(self, requirement_id: str, model_id: str) -> Cell:
        return self.cells[(requirement_id, model_id)]

    def model(self, model_id: str) -> OperatingModel:
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(model_id)

    def gaps(self, model_id: str) -> dict[str, list[tuple[Requirement, Cell]]]:
        """The MUST requirements that ``model_id`` meets only partly or not, per category."""
        self.model(model_id)
        out: dict[str, list[tuple[Requirement, Cell]]] = {}
        for req in self.requirements:
            cell = self.cell(req.id, model_id)
            if req.level == "MUST" and cell.rating in ("not", "partial"):
                out.setdefault(req.category, []).append((req, cell))
        return out


def _order(req: Requirement) -> tuple[int, str]:
    return CATEGORIES.index(req.category), req.id


def assess(models: Iterable[OperatingModel], requirements: Iterable[Any]) -> Matrix:
    """Rate every requirement under every model and score each model's coverage."""
    models = list(models)
    reqs = sorted((as_requirement(r) for r in requirements), key=_order)
    cells: dict[tuple[str, str], Cell] = {}
    coverage: dict[str, Coverage] = {}
    for model in models:
        cov = Coverage(by_area={a: Score() for a in AREAS},
                       by_level={lv: Score() for lv in LEVELS})
        for req in reqs:
            rating, source = model.rate(req.id, req.category)
            cells[(req.id, model.id)] = Cell(req.id, model.id, rating.rating, rating.why, source)
            cov.overall.add(rating.rating)
            cov.by_area.setdefault(req.area, Score()).add(rating.rating)
            cov.by_level.setdefault(req.level, Score()).add(rating.rating)
            cov.by_category.setdefault(req.category, Score()).add(rating.rating)
        coverage[model.id] = cov
    return Matrix(reqs, models, cells, coverage)


def load_assessment(directory: Path | None = None, catalogue_folder: Path | None = None) -> Matrix:
    """The shipped (or given) models assessed against the shipped (or given) catalogue.

    Overrides are checked against the catalogue's requirement ids.
    """
    from kimed.spe.requirements.loader import load_catalogue

    requirements = load_catalogue(catalogue_folder).requirements
    models = load_models(directory, requirement_ids=[r.id for r in requirements])
    return assess(models, requirements)
