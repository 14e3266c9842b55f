"""The SPE concept document, generated from the catalogue (``kimed spe concept``).

Chapters: introduction and the catalogue at a glance, the Five Safes, the parties, one chapter
per area with a section per category, the KIMed runtime's implementation status, the crosswalk
coverage (when the external catalogues are at hand), the operating-model comparison (when the
operating models load), and the legal sources. External statements appear by id only.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections import Counter
from functools import cache

import yaml

from kimed.spe.requirements.crosswalk import FRAMEWORKS, Coverage
from kimed.spe.requirements.document import Bullets, Document, Raw, Table
from kimed.spe.requirements.loader import data_dir
from kimed.spe.requirements.schema import CATEGORIES, FIVE_SAFES, LEVELS, Catalogue

REQ_ID = re.compile(r"\bKIM-[A-Z]{3}-[A-Z]{3}-\d{3}\b")
AREA_TITLES = {"technical": "Technical requirements", "regulatory": "Regulatory requirements",
               "organisational": "Organisational requirements",
               "governance": "Governance and operation"}


@cache
def texts() -> dict:
    return yaml.safe_load((data_dir() / "concept.yaml").read_text(encoding="utf-8"))


def title_of(slug: str) -> str:
    """A category's display title (from data/concept.yaml)."""
    return texts()["titles"].get(slug, slug.replace("-", " ").capitalize())


PARTY_NAMES = {"data_holder": "Data holder", "spe_operator": "SPE operator",
               "data_user": "Data user", "hdab": "Health data access body (HDAB)"}
STATUS_WORDS = {"implemented": "implemented", "partial": "partly implemented",
                "planned": "planned", "organisational": "organisational (not software)"}


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _sources(req) -> str:
    s = req.sources
    parts = [*s.legal, *(f"SATRE {x}" for x in s.satre), *(f"TEHDAS2 {x}" for x in s.tehdas2),
             *s.standards]
    return "; ".join(parts)


def _link_ids(text: str, known: set[str]) -> str:
    """Requirement ids in running text become links to their place in the document."""
    return REQ_ID.sub(lambda m: f"[{m[0]}](#{m[0]})" if m[0] in known else m[0], text)


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
    doc.para(t["five_safes_intro"])
    counts = Counter(s for r in catalogue.requirements for s in r.five_safes)
    doc.blocks.append(Table(["Dimension", "Meaning", "Requirements"],
                            [[f"Safe {d}", t["five_safes"][d], str(counts[d])]
                             for d in FIVE_SAFES]))
    doc.para("Every requirement also names the parties it binds; many bind more than one.")
    parties = Counter(p for r in catalogue.requirements for p in r.applies_to)
    doc.blocks.append(Table(["Party", "Who that is", "Requirements"],
                            [[PARTY_NAMES.get(p, p), why, str(parties[p])]
                             for p, why in t["parties"].items()]))


def _levels(reqs) -> str:
    counts = Counter(r.level for r in reqs)
    return ", ".join(f"{counts[lv]} {lv}" for lv in LEVELS if counts[lv])


def _requirement(doc: Document, r) -> None:
    """One requirement as a short block: heading with its id as anchor, statement, why, facts."""
    doc.heading(4, f"{r.id} {r.title}", r.id)
    doc.para(r.statement)
    doc.para(f"*Why:* {r.rationale}")
    facts = [f"Five Safes: {', '.join(r.five_safes)}",
             f"Binds: {', '.join(PARTY_NAMES.get(p, p) for p in r.applies_to)}",
             f"Sources: {_sources(r)}",
             f"Verification ({r.verification.method.replace('-', ' ')}): {r.verification.how}",
             f"KIMed runtime: {STATUS_WORDS[r.implementation.status]}"
             + (" (see [chapter on the runtime](#runtime))" if r.implementation.tests else "")]
    doc.blocks.append(Bullets(facts))


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
            doc.para(f"{t['categories'].get(cat, '')} "
                     f"{_count(len(reqs), 'requirement')}: {_levels(reqs)}.")
            doc.blocks.append(Table(["ID", "Level", "Requirement"],
                                    [[f"[{r.id}](#{r.id})", r.level, r.title] for r in reqs]))
            for r in reqs:
                _requirement(doc, r)


def _tests(paths: list[str]) -> str:
    """Test node ids grouped by file: ``test_permits.py: a, b; test_audit.py: c``."""
    by_file: dict[str, list[str]] = {}
    for node in paths:
        file, _, name = node.partition("::")
        by_file.setdefault(file.rsplit("/", 1)[-1], []).append(name)
    return "; ".join(f"{file}: {', '.join(names)}" for file, names in by_file.items())


def _runtime(doc: Document, catalogue: Catalogue, number: int) -> None:
    doc.heading(2, f"{number} What the KIMed runtime implements", "runtime")
    status = Counter(r.implementation.status for r in catalogue.requirements)
    doc.para(texts()["runtime"])
    doc.para("Today: " + ", ".join(f"{status[s]} {s}" for s in ("implemented", "partial",
                                                                "planned", "organisational"))
             + ".")
    done = [r for r in catalogue.requirements if r.implementation.tests]
    if done:
        doc.blocks.append(Table(["Requirement", "Status", "Proved by (test file: tests)"],
                                [[f"[{r.id}](#{r.id}) {r.title}", r.implementation.status,
                                  _tests(r.implementation.tests)] for r in done]))


def _crosswalk(doc: Document, catalogue: Catalogue, cov: Coverage, number: int) -> None:
    doc.heading(2, f"{number} Crosswalk to SATRE and TEHDAS2", "crosswalk")
    doc.para(texts()["crosswalk"])
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
             "(partial counts half); cost, effort and legal risk run from 1 (low) to 5 (high). "
             "MUST gaps counts the MUST requirements a model does not fully support. A variant "
             "differs from the model it is based on only in how people work in it.")
    names = {m.id: m.name.en for m in matrix.models}
    rows = []
    for model in matrix.models:
        cov = matrix.coverage[model.id]
        must = cov.by_level.get("MUST")
        variant_of = names.get(model.variant_of, model.variant_of or "")
        rows.append([model.name.en, variant_of, _pct(cov.overall), _pct(must),
                     str(model.dimensions.cost), str(model.dimensions.effort),
                     str(model.dimensions.legal_risk),
                     str(sum(len(v) for v in matrix.gaps(model.id).values()))])
    doc.blocks.append(Table(["Model", "Variant of", "Score", "MUST score", "Cost", "Effort",
                             "Legal risk", "MUST gaps"], rows))
    scenarios = list(dict.fromkeys(s for m in matrix.models for s in m.scenarios))
    doc.heading(3, "Fit for the demonstrator scenarios", "scenario-fit")
    titles = texts().get("scenarios", {})
    doc.blocks.append(Table(["Model", *(titles.get(s, s) for s in scenarios)],
                            [[m.name.en, *(m.scenarios[s].fit if s in m.scenarios else ""
                                           for s in scenarios)] for m in matrix.models]))
    chart = _chart(matrix)
    if chart:
        doc.blocks.append(Raw(chart, "*The heatmap of coverage per category is in the HTML "
                                     "version of this document.*"))


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
                            [[a.id, f"[{a.title}]({a.url})", _count(cited[a.id], "requirement")]
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
    doc.heading(2, f"{number + 2} Changes to the catalogue", "changes")
    known = {r.id for r in catalogue.requirements}
    for change in info.changelog:
        doc.para(f"**Version {change.version}** ({change.date})")
        doc.blocks.append(Bullets([_link_ids(text, known) for text in change.changes]))
    return doc
