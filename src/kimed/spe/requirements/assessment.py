"""Self-assessment of a deployment against the catalogue, scored the SATRE way.

The method follows SATRE's evaluation guide (../shared/data/satre/evaluation.md, "Method" and
"Combining scores"): every requirement gets 0 (not met), 1 (sufficient: met, with substantial room
for improvement), 2 (satisfied) or ``na`` (not applicable). A score of 1 or more meets it. A
category is met when all of its MUST requirements are met; an area when all its categories are
met; the deployment when all areas are met. MUST plays the part of SATRE's *Mandatory*. On top we
report points (sum of scores over 2 x applicable requirements) to show progress.

File format (YAML)::

    deployment: Example SPE
    date: 2025-07-01
    assessor: A. Person
    requirements:
      KIM-TEC-IAM-001: {score: 2, evidence: ["https://..."], note: "..."}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kimed.spe.requirements.findings import Finding
from kimed.spe.requirements.schema import AREAS, CATEGORIES, Catalogue

SCORES = (0, 1, 2, "na")


class AssessmentError(ValueError):
    """The assessment file cannot be read at all (not YAML, not a mapping)."""


@dataclass(frozen=True)
class Entry:
    score: int | str  # 0, 1, 2 or "na"
    evidence: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Assessment:
    deployment: str
    date: dt.date | None
    assessor: str
    entries: dict[str, Entry]
    findings: list[Finding] = field(default_factory=list)


def _score(value) -> int | str | None:
    if isinstance(value, str) and value.strip().lower() in ("na", "n/a", "n.a."):
        return "na"
    if isinstance(value, bool):
        return None
    return value if value in (0, 1, 2) else None


def read_assessment(source: Path | str, catalogue: Catalogue) -> Assessment:
    """Read and check an assessment (a path, or YAML text); problems become findings."""
    if isinstance(source, Path):
        name, text = source.name, source.read_text(encoding="utf-8")
    else:
        name, text = "assessment", source
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AssessmentError(f"{name}:{mark.line + 1 if mark else '?'}: malformed YAML: "
                              f"{getattr(exc, 'problem', exc)}") from None
    except ValueError as exc:  # a timestamp YAML recognises but Python rejects (2025-13-01)
        raise AssessmentError(f"{name}: invalid date: {exc}") from None
    if not isinstance(data, dict):
        raise AssessmentError(f"{name}: an assessment is a mapping with deployment, date, "
                              "assessor and requirements")
    findings: list[Finding] = []
    for key in ("deployment", "date", "assessor"):
        if not data.get(key):
            findings.append(Finding(name, "assessment header", f"{key} is missing", field=key,
                                    severity="warning"))
    date = data.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            findings.append(Finding(name, "assessment header", f"date {date!r} is not YYYY-MM-DD",
                                    field="date"))
            date = None
    items = data.get("requirements") or {}
    if not isinstance(items, dict):
        raise AssessmentError(f"{name}: requirements must map requirement ids to scores")
    entries: dict[str, Entry] = {}
    for ident, item in items.items():
        req = catalogue.get(str(ident))
        if req is None:
            findings.append(Finding(name, "known id", "not a requirement of the catalogue",
                                    requirement=str(ident)))
            continue
        item = item if isinstance(item, dict) else {"score": item}
        score = _score(item.get("score"))
        if score is None:
            findings.append(Finding(name, "score", f"score {item.get('score')!r} must be 0, 1, "
                                    "2 or na", requirement=req.id, field="score"))
            continue
        evidence = item.get("evidence") or []
        evidence = tuple([evidence] if isinstance(evidence, str) else map(str, evidence))
        if score == 2 and not evidence:
            findings.append(Finding(name, "evidence", "score 2 without evidence links",
                                    requirement=req.id, field="evidence", severity="warning"))
        if score == "na" and req.level == "MUST":
            findings.append(Finding(name, "not applicable", "a MUST requirement marked na "
                                    "(SATRE allows this for very few Mandatory statements)",
                                    requirement=req.id, field="score", severity="warning"))
        entries[req.id] = Entry(score, evidence, str(item.get("note") or ""))
    return Assessment(str(data.get("deployment") or ""), date, str(data.get("assessor") or ""),
                      entries, findings)


@dataclass
class Tally:
    """Scores of one group of requirements (a category, an area, or all)."""

    name: str
    total: int = 0
    scored: int = 0
    na: int = 0
    points: int = 0
    met: int = 0
    must: int = 0
    must_met: int = 0

    @property
    def max_points(self) -> int:
        return 2 * (self.total - self.na)

    @property
    def percent(self) -> float:
        return round(100 * self.points / self.max_points, 1) if self.max_points else 100.0

    @property
    def unscored(self) -> int:
        return self.total - self.scored - self.na

    @property
    def is_met(self) -> bool:
        """SATRE's rule: every MUST (Mandatory) requirement scored 1 or 2."""
        return self.must_met == self.must

    def add(self, level: str, entry: Entry | None) -> None:
        self.total += 1
        self.must += level == "MUST"
        if entry is None:
            return
        if entry.score == "na":
            self.na += 1
            self.must -= level == "MUST"  # not applicable: not counted as a MUST to meet
            return
        self.scored += 1
        self.points += entry.score
        if entry.score >= 1:
            self.met += 1
            self.must_met += level == "MUST"

    def to_dict(self) -> dict:
        return {"name": self.name, "total": self.total, "scored": self.scored, "na": self.na,
                "unscored": self.unscored, "points": self.points, "max_points": self.max_points,
                "percent": self.percent, "met": self.met, "must": self.must,
                "must_met": self.must_met, "is_met": self.is_met}


@dataclass
class Result:
    assessment: Assessment
    overall: Tally
    areas: dict[str, Tally]
    categories: dict[tuple[str, str], Tally]

    @property
    def is_met(self) -> bool:
        """Met when every area is met, an area when all its categories are. As the categories
        split an area, that is the same as every applicable MUST in it being met."""
        return all(t.is_met for t in self.areas.values())

    def to_dict(self) -> dict:
        a = self.assessment
        return {"deployment": a.deployment, "date": a.date.isoformat() if a.date else None,
                "assessor": a.assessor, "is_met": self.is_met, "overall": self.overall.to_dict(),
                "areas": {k: v.to_dict() for k, v in self.areas.items()},
                "categories": [{"area": area, "category": cat} | t.to_dict()
                               for (area, cat), t in self.categories.items()],
                "findings": [f.to_dict() for f in a.findings]}


def score(assessment: Assessment, catalogue: Catalogue) -> Result:
    overall = Tally("overall")
    areas = {area: Tally(area) for area in AREAS}
    categories: dict[tuple[str, str], Tally] = {}
    for area, cats in CATEGORIES.items():
        for cat in cats:
            categories[(area, cat)] = Tally(cat)
    for req in catalogue.requirements:
        entry = assessment.entries.get(req.id)
        for tally in (overall, areas[req.area], categories[(req.area, req.category)]):
            tally.add(req.level, entry)
    categories = {k: v for k, v in categories.items() if v.total}
    areas = {k: v for k, v in areas.items() if v.total}
    return Result(assessment, overall, areas, categories)
