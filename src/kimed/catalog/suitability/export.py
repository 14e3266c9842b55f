"""An assessment as Markdown (for people) and as JSON (for programs)."""

from __future__ import annotations

import json

from kimed.catalog.suitability.assess import Assessment
from kimed.catalog.suitability.criteria import criteria
from kimed.catalog.suitability.profile import dump_profile
from kimed.catalog.suitability.urlparams import profile_query
from kimed.catalog.suitability.verdict import POINTS

FORMAT_VERSION = 1


def to_data(assessment: Assessment) -> dict:
    """The JSON-ready form: profile, its URL query, weights, points, ranked datasets."""
    return {
        "format": "kimed-suitability", "version": FORMAT_VERSION,
        "profile": dump_profile(assessment.profile),
        "query": profile_query(assessment.profile),
        "weights": assessment.weights,
        "points": {v.value: p for v, p in POINTS.items()},
        "criteria": assessment.criteria,
        "datasets": [
            {"rank": i, **d.model_dump(mode="json", exclude={"results"}),
             "counts": d.counts(),
             "results": [r.model_dump(mode="json") for r in d.results]}
            for i, d in enumerate(assessment.datasets, 1)
        ],
    }


def to_json(assessment: Assessment) -> str:
    return json.dumps(to_data(assessment), ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(assessment: Assessment, lang: str = "en", base_url: str = "") -> str:
    """A report: the profile, the weights, a ranking table and the evidence per dataset."""
    labels = {c.name: c.label for c in criteria()}
    profile = assessment.profile
    lines = [f"# Suitability assessment{': ' + _cell(profile.name) if profile.name else ''}", ""]
    query = profile_query(profile)
    lines += ["## Profile", "", "```yaml"]
    data = dump_profile(profile)
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()]
    lines += ["```", "", f"Link: `{base_url}/suitability?{query}`", ""]
    lines += ["## Weights", "", "| criterion | weight |", "|---|---|"]
    lines += [f"| {labels[c]} | {assessment.weights[c]:g} |" for c in assessment.criteria]
    lines += ["", "Points per verdict: " + ", ".join(f"{v.value} {p:g}" for v, p in
                                                     POINTS.items()), ""]
    lines += ["## Ranking", ""]
    head = ["#", "dataset", "fit"] + [labels[c] for c in assessment.criteria]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for i, d in enumerate(assessment.datasets, 1):
        cells = [str(i), f"{_cell(d.label(lang))} (`{d.identifier}`)", f"{d.score:g}"]
        cells += [(r.verdict.value if (r := d.result(c)) else "-") for c in assessment.criteria]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Evidence", ""]
    for d in assessment.datasets:
        lines += [f"### {_cell(d.label(lang))} (`{d.identifier}`): fit {d.score:g}", ""]
        for r in d.results:
            lines.append(f"- **{labels[r.criterion]}: {r.verdict.value}**")
            for check in r.checks:
                lines.append(f"  - {_cell(check.requirement)}: {check.verdict.value}: "
                             f"{_cell(check.reason)}")
                for e in check.evidence:
                    values = ", ".join(_cell(v) for v in e.values) or "(absent)"
                    lines.append(f"    - `{e.property}`: {values}")
        if d.feasibility is not None:
            f = d.feasibility
            text = (f"{f.count}" if f.count is not None else f"< {f.below_threshold}") \
                if f.available else f"not available ({f.reason})"
            lines.append(f"- **Matching individuals (KIMed SPE):** {text}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
