"""A self-assessment result as Markdown or a standalone HTML page (with the progress chart)."""

from __future__ import annotations

from kimed.spe.requirements import document
from kimed.spe.requirements.assessment import Result
from kimed.spe.requirements.concept import title_of
from kimed.spe.requirements.document import Bullets, Document, Raw, Table


def _doc(result: Result, chart: bool) -> Document:
    a = result.assessment
    o = result.overall
    doc = Document(f"Self-assessment: {a.deployment or 'unnamed deployment'}",
                   f"{a.date or 'no date'}, assessed by {a.assessor or 'unknown'}. Scored as in "
                   "SATRE's evaluation method: 0 not met, 1 sufficient, 2 satisfied, n.a.")
    doc.heading(2, "Result", "result")
    doc.para(f"Overall {'met' if result.is_met else 'not met'}: {o.points} of {o.max_points} "
             f"points ({o.percent:g} %), {o.must_met} of {o.must} applicable MUST requirements "
             f"met, {o.unscored} not scored, {o.na} not applicable.")
    if chart:
        from kimed.spe.requirements.progress import progress_svg

        doc.blocks.append(Raw(progress_svg(result)))
    doc.heading(2, "Per category", "categories")
    doc.blocks.append(Table(["Area", "Category", "Points", "%", "MUST met", "Not scored", "Met"],
                            [[area, title_of(cat), f"{t.points}/{t.max_points}", f"{t.percent:g}",
                              f"{t.must_met}/{t.must}", str(t.unscored),
                              "yes" if t.is_met else "no"]
                             for (area, cat), t in result.categories.items()]))
    doc.heading(2, "Per area", "areas")
    doc.blocks.append(Table(["Area", "Points", "%", "Met"],
                            [[k, f"{t.points}/{t.max_points}", f"{t.percent:g}",
                              "yes" if t.is_met else "no"] for k, t in result.areas.items()]))
    if a.findings:
        doc.heading(2, "Findings", "findings")
        doc.blocks.append(Bullets([str(f) for f in a.findings]))
    return doc


def assessment_markdown(result: Result) -> str:
    return document.to_markdown(_doc(result, chart=False))


def assessment_html(result: Result) -> str:
    return document.to_html(_doc(result, chart=True))
