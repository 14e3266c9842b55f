"""Coverage of the external catalogues (SATRE v2, TEHDAS2) by our requirements.

For each external statement: which of our requirements cite it in ``sources``, or the reason it
is out of scope (data/crosswalk/*.yaml). The completeness rule: every SATRE Mandatory/Mandatory*
statement and every TEHDAS2 MUST/MUST NOT row is covered or out of scope.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from kimed.spe.requirements.external import Statement
from kimed.spe.requirements.schema import Catalogue

FRAMEWORKS = {"satre": "SATRE v2", "tehdas2": "TEHDAS2 (draft)"}
CSV_COLUMNS = ("framework", "ref", "group", "subgroup", "importance", "mandatory", "status",
               "covered_by", "out_of_scope_reason", "text")


@dataclass
class Row:
    statement: Statement
    covered_by: list[str] = field(default_factory=list)
    reason: str | None = None

    @property
    def status(self) -> str:
        if self.covered_by:
            return "covered"
        return "out-of-scope" if self.reason else "uncovered"

    def to_dict(self, with_text: bool = True) -> dict:
        s = self.statement
        out = {"framework": s.framework, "ref": s.ref, "group": s.group, "subgroup": s.subgroup,
               "importance": s.importance, "mandatory": s.mandatory, "status": self.status,
               "covered_by": self.covered_by, "out_of_scope_reason": self.reason}
        return out | ({"text": s.text} if with_text else {})


@dataclass
class Coverage:
    rows: list[Row]
    unknown_refs: dict[str, list[tuple[str, str]]]  # framework -> [(requirement, ref)]

    def totals(self) -> dict[str, dict[str, int]]:
        out = {}
        for framework in FRAMEWORKS:
            rows = [r for r in self.rows if r.statement.framework == framework]
            mandatory = [r for r in rows if r.statement.mandatory]
            out[framework] = {
                "statements": len(rows), "covered": _count(rows, "covered"),
                "out_of_scope": _count(rows, "out-of-scope"),
                "uncovered": _count(rows, "uncovered"), "mandatory": len(mandatory),
                "mandatory_covered": _count(mandatory, "covered"),
                "mandatory_out_of_scope": _count(mandatory, "out-of-scope"),
                "mandatory_uncovered": _count(mandatory, "uncovered")}
        return out

    def gaps(self) -> list[Row]:
        """Mandatory statements neither covered nor out of scope."""
        return [r for r in self.rows if r.statement.mandatory and r.status == "uncovered"]

    @property
    def complete(self) -> bool:
        return not self.gaps()


def _count(rows: list[Row], status: str) -> int:
    return sum(1 for r in rows if r.status == status)


def coverage(catalogue: Catalogue, external: dict[str, list[Statement]]) -> Coverage:
    cited: dict[tuple[str, str], list[str]] = {}
    for req in catalogue.requirements:
        for framework in FRAMEWORKS:
            for ref in getattr(req.sources, framework):
                cited.setdefault((framework, ref), []).append(req.id)
    reasons = {(e.framework, e.ref): e.reason for e in catalogue.exclusions}
    rows = [Row(s, cited.get((s.framework, s.ref), []), reasons.get((s.framework, s.ref)))
            for framework in FRAMEWORKS for s in external.get(framework, [])]
    known = {(s.framework, s.ref) for framework in FRAMEWORKS for s in external.get(framework, [])}
    unknown: dict[str, list[tuple[str, str]]] = {}
    for (framework, ref), ids in sorted(cited.items()):
        if external.get(framework) and (framework, ref) not in known:
            unknown.setdefault(framework, []).extend((i, ref) for i in ids)
    return Coverage(rows, unknown)


def to_json(cov: Coverage, with_text: bool = True) -> str:
    return json.dumps({"totals": cov.totals(), "complete": cov.complete,
                       "gaps": [{"framework": r.statement.framework, "ref": r.statement.ref}
                                for r in cov.gaps()],
                       "unknown_refs": {fw: [{"requirement": i, "ref": ref} for i, ref in items]
                                        for fw, items in cov.unknown_refs.items()},
                       "statements": [r.to_dict(with_text) for r in cov.rows]},
                      indent=1, ensure_ascii=False) + "\n"


def to_csv(cov: Coverage, with_text: bool = True) -> str:
    buffer = io.StringIO()
    columns = CSV_COLUMNS if with_text else CSV_COLUMNS[:-1]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    for row in cov.rows:
        item = row.to_dict(with_text)
        item["covered_by"] = " ".join(item["covered_by"])
        writer.writerow(item)
    return buffer.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def totals_lines(cov: Coverage) -> list[str]:
    """One sentence per framework, e.g. for the CLI and the concept document."""
    out = []
    for framework, t in cov.totals().items():
        if not t["statements"]:
            continue
        word = "Mandatory" if framework == "satre" else "MUST/MUST NOT"
        out.append(f"{FRAMEWORKS[framework]}: {t['mandatory']} {word} statements, "
                   f"{t['mandatory_covered']} covered, {t['mandatory_out_of_scope']} out of "
                   f"scope, {t['mandatory_uncovered']} uncovered; all {t['statements']} "
                   f"statements: {t['covered']} covered, {t['out_of_scope']} out of scope, "
                   f"{t['uncovered']} uncovered.")
    return out


def to_markdown(cov: Coverage, with_text: bool = True) -> str:
    lines = ["# Crosswalk coverage", "", *[f"- {line}" for line in totals_lines(cov)], ""]
    for framework, label in FRAMEWORKS.items():
        rows = [r for r in cov.rows if r.statement.framework == framework]
        if not rows:
            continue
        lines += [f"## {label}", "",
                  "| Ref | Group | Importance | Status | Covered by / reason |"
                  + (" Statement |" if with_text else ""),
                  "|---|---|---|---|---|" + ("---|" if with_text else "")]
        for r in rows:
            s = r.statement
            why = ", ".join(r.covered_by) if r.covered_by else (r.reason or "")
            lines.append(f"| {s.ref} | {_cell(s.subgroup or s.group)} | {s.importance} | "
                         f"{r.status} | {_cell(why)} |" + (f" {_cell(s.text)} |" if with_text
                                                            else ""))
        lines.append("")
    for framework, items in cov.unknown_refs.items():
        lines += [f"Requirements citing unknown {FRAMEWORKS[framework]} ids: "
                  + ", ".join(f"{i} ({ref})" for i, ref in items), ""]
    return "\n".join(lines)
