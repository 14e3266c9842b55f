"""The SPE concept document, generated from the catalogue (``kimed spe concept``).

Chapters: introduction and the catalogue at a glance, the Five Safes, the parties, one chapter
per area with a section per category, the KIMed runtime's implementation status, the crosswalk
coverage (when the external catalogues are at hand), the operating-model comparison (when the
operating models load), and the legal sources. External statements appear by id only.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from functools import cache

import yaml

from kimed.spe.requirements.crosswalk import FRAMEWORKS, Coverage
from kimed.spe.requirements.document import Bullets, Document, Raw, Table
from kimed.spe.requirements.loader import data_dir
from kimed.spe.requirements.schema import CATEGORIES, FIVE_SAFES, LEVELS, Catalogue

AREA_TITLES = {"technical": "Technical requirements", "regulatory": "Regulatory requirements",
               "organisational": "Organisational requirements",
               "governance": "Governance and operation"}


@cache
def texts() -> dict:
    return yaml.safe_load((data_dir() / "concept.yaml").read_text(encoding="utf-8"))


def title_of(slug: str) -> str:
    """A category's display title (from data/concept.yaml)."""
    return texts()["titles"].get(slug, slug.replace("-", " ").capitalize())


def _sources(req) -> str:
    s = req.sources
    parts = [*s.legal, *(f"SATRE {x}" for x in s.satre), *(f"TEHDAS2 {x}" for x in s.tehdas2),
             *s.standards]
    return "; ".join(parts)


def _intro(doc: Document, catalogue: Catalogue) -> None:
    t = texts()
    reqs = catalogue.requirements
    doc.heading(2, "1 Introduction", "introduction")
    doc.para(t["introduction"])
    doc.para(t["levels"])
    doc.heading(3, "The catalogue at a glance", "at-a-glance")
    counts = Counter((r.area, r.level) for r in reqs)
    rows = [[AREA_TITLES[a], *(str(counts[(a, lv)]) for lv in LEVELS),
             str(sum(counts[(a, lv)] for lv in LEVELS))] for a in CATEGORIES]
    rows.append(["All", *(str(sum(1 for r in reqs if r.level == lv)) for lv in LEVELS),
                 str(len(reqs))])
    doc.blocks.append(Table(["Area", *LEVELS, "Total"], rows))


def _five_safes(doc: Document, catalogue: Catalogue) -> None:
    t = texts()
    doc.heading(2, "2 The Five Safes and the parties", "five-safes")
    doc.para("Every requirement names the Five Safes dimensions it protects. The framework "
             "asks five questions about any use of sensitive data; an SPE answers all five.")
    counts = Counter(s for r in catalogue.requirements for s in r.five_safes)
    doc.blocks.append(Table(["Dimension", "Meaning", "Requirements"],
                            [[f"Safe {d}", t["five_safes"][d], str(counts[d])]
                             for d in FIVE_SAFES]))
    doc.para("Every requirement also names the parties it binds:")
    parties = Counter(p for r in catalogue.requirements for p in r.applies_to)
    doc.blocks.append(Bullets([f"{p.replace('_', ' ').replace('hdab', 'HDAB')}: {why} "
                               f"({parties[p]} requirements)" for p, why in t["parties"].items()]))


def _areas(doc: Document, catalogue: Catalogue) -> None:
    t = texts()
    for number, area in enumerate(CATEGORIES, 3):
        cats = [c for a, c in catalogue.categories() if a == area]
        doc.heading(2, f"{number} {AREA_TITLES[area]}", area)
        doc.para(t["areas"][area])
        if not cats:
            doc.para("No requirements in this area yet.")
        for index, cat in enumerate(cats, 1):
            reqs = catalogue.filter(area=area, category=cat)
            doc.heading(3, f"{number}.{index} {title_of(cat)}", f"{area}-{cat}")
            doc.para(f"{t['categories'].get(cat, '')} {len(reqs)} requirement(s): "
                     f"{sum(r.level == 'MUST' for r in reqs)} MUST, "
                     f"{sum(r.level == 'SHOULD' for r in reqs)} SHOULD, "
                     f"{sum(r.level == 'MAY' for r in reqs)} MAY.")
            doc.blocks.append(Table(
                ["ID", "Level", "Requirement", "Why", "Five Safes", "Sources", "Verification"],
                [[r.id, r.level, f"{r.title}: {r.statement}", r.rationale,
                  ", ".join(r.five_safes), _sources(r),
                  f"{r.verification.method}: {r.verification.how}"] for r in reqs]))


def _runtime(doc: Document, catalogue: Catalogue, number: int) -> None:
    doc.heading(2, f"{number} What the KIMed runtime implements", "runtime")
    status = Counter(r.implementation.status for r in catalogue.requirements)
    doc.para("The KIMed software implements some requirements itself; automated tests prove "
             "each of those, and `kimed spe conformance` reports their latest results. "
             + ", ".join(f"{status[s]} {s}" for s in ("implemented", "partial", "planned",
                                                     "organisational")) + ".")
    done = [r for r in catalogue.requirements if r.implementation.tests]
    if done:
        doc.blocks.append(Table(["ID", "Status", "Tests"],
                                [[r.id, r.implementation.status, ", ".join(r.implementation.tests)]
                                 for r in done]))


def _crosswalk(doc: Document, catalogue: Catalogue, cov: Coverage, number: int) -> None:
    doc.heading(2, f"{number} Crosswalk to SATRE and TEHDAS2", "crosswalk")
    doc.para("Each binding statement of SATRE v2 (Mandatory) and of the TEHDAS2 draft SPE "
             "requirements (MUST, MUST NOT) is covered by at least one requirement here, or "
             "deliberately left out with a reason. External statements are cited by id only.")
    rows = []
    for framework, tot in cov.totals().items():
        if tot["statements"]:
            rows.append([FRAMEWORKS[framework], str(tot["statements"]), str(tot["mandatory"]),
                         str(tot["mandatory_covered"]), str(tot["mandatory_out_of_scope"]),
                         str(tot["mandatory_uncovered"])])
    doc.blocks.append(Table(["Framework", "Statements", "Binding", "Covered", "Out of scope",
                             "Uncovered"], rows))
    if catalogue.exclusions:
        doc.heading(3, "Out of scope, and why", "out-of-scope")
        doc.blocks.append(Table(["Framework", "Ref", "Reason"],
                                [[FRAMEWORKS[e.framework], e.ref, e.reason]
                                 for e in catalogue.exclusions]))
    gaps = cov.gaps()
    if gaps:
        for framework, label in FRAMEWORKS.items():
            refs = [g.statement.ref for g in gaps if g.statement.framework == framework]
            if refs:
                doc.para(f"Still uncovered in {label}: {', '.join(refs)}.")


def operating_models(catalogue_folder=None):
    """The operating-model matrix, or None when that module or its data are not there."""
    if importlib.util.find_spec("kimed.spe.requirements.models") is None:
        return None
    from kimed.spe.requirements import models

    try:
        return models.load_assessment(catalogue_folder=catalogue_folder)
    except (ValueError, OSError):
        return None


def _pct(score) -> str:
    return "n.a." if score is None or score.value is None else f"{100 * score.value:.0f} %"


def _operating_models(doc: Document, matrix, number: int) -> None:
    doc.heading(2, f"{number} Operating models compared", "operating-models")
    doc.para("Each operating model rates every requirement as supports, partial, not or n.a., "
             "with a justification. The score is the share of applicable requirements met "
             "(partial counts half); cost, effort and legal risk run from 1 (low) to 5 (high).")
    rows = []
    for model in matrix.models:
        cov = matrix.coverage[model.id]
        must = cov.by_level.get("MUST")
        rows.append([model.name.en, model.variant_of or "", _pct(cov.overall), _pct(must),
                     str(model.dimensions.cost), str(model.dimensions.effort),
                     str(model.dimensions.legal_risk),
                     str(sum(len(v) for v in matrix.gaps(model.id).values()))])
    doc.blocks.append(Table(["Model", "Variant of", "Score", "MUST score", "Cost", "Effort",
                             "Legal risk", "MUST gaps"], rows))
    scenarios = list(dict.fromkeys(s for m in matrix.models for s in m.scenarios))
    doc.heading(3, "Fit for the demonstrator scenarios", "scenario-fit")
    doc.blocks.append(Table(["Model", *scenarios],
                            [[m.name.en, *(m.scenarios[s].fit if s in m.scenarios else ""
                                           for s in scenarios)] for m in matrix.models]))
    chart = _chart(matrix)
    if chart:
        doc.blocks.append(Raw(chart))


def _chart(matrix) -> str | None:
    """The heatmap of the charts module, when it exists (SVG text), else None."""
    if importlib.util.find_spec("kimed.spe.requirements.charts") is None:
        return None
    from kimed.spe.requirements import charts

    render = getattr(charts, "heatmap_svg", None)
    try:
        svg = render(matrix, by="category") if render else None
        return svg[svg.find("<svg"):] if svg and "<svg" in svg else None
    except Exception:  # a chart must never stop the document
        return None


def _legal(doc: Document, catalogue: Catalogue, number: int) -> None:
    doc.heading(2, f"{number} Legal sources", "legal-sources")
    cited = Counter(ref.split(" ")[0] for r in catalogue.requirements for ref in r.sources.legal)
    doc.blocks.append(Table(["Act", "Title", "Cited by"],
                            [[a.id, f"[{a.title}]({a.url})", f"{cited[a.id]} requirement(s)"]
                             for a in catalogue.acts.values()]))


def build(catalogue: Catalogue, coverage: Coverage | None = None, matrix=None,
          today: dt.date | None = None) -> Document:
    info = catalogue.info
    today = today or dt.date.today()
    doc = Document("KIMed Secure Processing Environment: the concept",
                   f"Requirements catalogue version {info.version} ({info.date}); "
                   f"generated {today.isoformat()}.")
    _intro(doc, catalogue)
    _five_safes(doc, catalogue)
    _areas(doc, catalogue)
    number = 3 + len(CATEGORIES)
    _runtime(doc, catalogue, number)
    if coverage is not None and any(t["statements"] for t in coverage.totals().values()):
        number += 1
        _crosswalk(doc, catalogue, coverage, number)
    if matrix is not None and matrix.models:
        number += 1
        _operating_models(doc, matrix, number)
    _legal(doc, catalogue, number + 1)
    doc.heading(2, "Changes", "changes")
    doc.blocks.append(Bullets([f"{c.version} ({c.date}): {' '.join(c.changes)}"
                               for c in info.changelog]))
    return doc
