"""The operating-model matrix (requirement x model) as CSV, JSON, Markdown, HTML and XLSX.

Every format carries, for every requirement and model, the rating, its justification and whether
it is the category default or a per-requirement override, plus each model's coverage scores.
"""

from __future__ import annotations

import csv
import html
import io
import json

from kimed.spe.requirements.models import AREAS, LEVELS, Matrix

FORMATS = ("csv", "json", "markdown", "html", "xlsx")
CSV_COLUMNS = ("requirement", "area", "category", "level", "title", "model", "rating", "source",
               "why")
SYMBOLS = {"supports": "●", "partial": "◐", "not": "○", "n.a.": "–"}
COLOURS = {"supports": "#1a9850", "partial": "#fee08b", "not": "#d73027", "n.a.": "#d9d9d9"}


def _pct(value: float | None) -> str:
    return "n.a." if value is None else f"{100 * value:.0f} %"


def coverage_rows(matrix: Matrix) -> list[dict]:
    """Per model: overall, per area and per level coverage, and the three dimensions."""
    rows = []
    for model in matrix.models:
        cov = matrix.coverage[model.id]
        row = {"model": model.id, "name": model.name.en, "overall": cov.overall.value}
        row |= {area: cov.by_area[area].value for area in AREAS}
        row |= {level: cov.by_level[level].value for level in LEVELS}
        row |= {"cost": model.dimensions.cost, "effort": model.dimensions.effort,
                "legal_risk": model.dimensions.legal_risk,
                "must_gaps": sum(len(v) for v in matrix.gaps(model.id).values())}
        rows.append(row)
    return rows


def long_rows(matrix: Matrix) -> list[dict]:
    """One row per requirement and model."""
    return [{"requirement": req.id, "area": req.area, "category": req.category,
             "level": req.level, "title": req.title, "model": model.id,
             "rating": cell.rating, "source": cell.source, "why": cell.why}
            for req in matrix.requirements for model in matrix.models
            for cell in [matrix.cell(req.id, model.id)]]


def to_csv(matrix: Matrix) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(long_rows(matrix))
    return buffer.getvalue()


def to_dict(matrix: Matrix) -> dict:
    models = []
    for model in matrix.models:
        item = model.model_dump(mode="json", exclude={"defaults", "overrides"})
        item["coverage"] = matrix.coverage[model.id].as_dict()
        item["gaps"] = {cat: [req.id for req, _ in items]
                        for cat, items in matrix.gaps(model.id).items()}
        models.append(item)
    requirements = []
    for req in matrix.requirements:
        ratings = {}
        for model in matrix.models:
            cell = matrix.cell(req.id, model.id)
            ratings[model.id] = {"rating": cell.rating, "source": cell.source, "why": cell.why}
        requirements.append({"id": req.id, "title": req.title, "level": req.level,
                             "area": req.area, "category": req.category, "ratings": ratings})
    return {"models": models, "requirements": requirements}


def to_json(matrix: Matrix) -> str:
    return json.dumps(to_dict(matrix), indent=1, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _by_category(matrix: Matrix) -> dict[str, list]:
    out: dict[str, list] = {}
    for req in matrix.requirements:
        out.setdefault(req.category, []).append(req)
    return out


def to_markdown(matrix: Matrix) -> str:
    ids = [m.id for m in matrix.models]
    lines = ["# Operating models against the SPE requirements", "",
             "Ratings: ● supports, ◐ partial, ○ not, – n.a.; `*` marks a per-requirement "
             "override of the category default. Coverage counts supports as 1, partial as 0.5 "
             "and not as 0, leaving n.a. out.", "", "## Coverage", "",
             "| model | overall | " + " | ".join(AREAS) + " | MUST | SHOULD | MAY | cost | "
             "effort | legal risk | MUST gaps |",
             "|---" * (9 + len(AREAS)) + "|"]
    for row in coverage_rows(matrix):
        cells = [row["model"], _pct(row["overall"])] + [_pct(row[a]) for a in AREAS]
        cells += [_pct(row[lv]) for lv in LEVELS]
        cells += [str(row["cost"]), str(row["effort"]), str(row["legal_risk"]),
                  str(row["must_gaps"])]
        lines.append("| " + " | ".join(cells) + " |")
    for category, reqs in _by_category(matrix).items():
        lines += ["", f"## {reqs[0].area} / {category}", "",
                  "| requirement | level | title | " + " | ".join(ids) + " |",
                  "|---" * (3 + len(ids)) + "|"]
        for req in reqs:
            marks = []
            for mid in ids:
                cell = matrix.cell(req.id, mid)
                marks.append(SYMBOLS[cell.rating] + ("*" if cell.source == "override" else ""))
            lines.append(f"| {req.id} | {req.level} | {_md(req.title)} | " + " | ".join(marks)
                         + " |")
        lines += ["", "Why:", ""]
        for model in matrix.models:
            default = model.defaults[category]
            lines.append(f"- **{model.id}** ({default.rating}): {_md(default.why)}")
            for req in reqs:
                cell = matrix.cell(req.id, model.id)
                if cell.source == "override":
                    lines.append(f"  - {req.id} ({cell.rating}*): {_md(cell.why)}")
    return "\n".join(lines) + "\n"


def to_html(matrix: Matrix) -> str:
    esc = html.escape
    ids = [m.id for m in matrix.models]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>SPE operating models: requirement matrix</title>",
           "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
           "margin-bottom:2em}td,th{border:1px solid #bbb;padding:.25em .5em;font-size:90%}"
           "td.r{text-align:center}</style></head><body>",
           "<h1>Operating models against the SPE requirements</h1>",
           "<p>Hover over a rating to read its justification; * marks a per-requirement "
           "override.</p>", "<h2>Coverage</h2><table><tr><th>model</th><th>overall</th>"
           + "".join(f"<th>{esc(a)}</th>" for a in AREAS)
           + "".join(f"<th>{lv}</th>" for lv in LEVELS)
           + "<th>cost</th><th>effort</th><th>legal risk</th><th>MUST gaps</th></tr>"]
    for row in coverage_rows(matrix):
        values = [_pct(row["overall"])] + [_pct(row[a]) for a in AREAS]
        values += [_pct(row[lv]) for lv in LEVELS]
        values += [str(row[k]) for k in ("cost", "effort", "legal_risk", "must_gaps")]
        out.append(f"<tr><th>{esc(row['model'])}</th>"
                   + "".join(f"<td>{esc(v)}</td>" for v in values) + "</tr>")
    out.append("</table>")
    for category, reqs in _by_category(matrix).items():
        out.append(f"<h2>{esc(reqs[0].area)} / {esc(category)}</h2><table><tr>"
                   "<th>requirement</th><th>level</th><th>title</th>"
                   + "".join(f"<th>{esc(m)}</th>" for m in ids) + "</tr>")
        for req in reqs:
            cells = []
            for mid in ids:
                cell = matrix.cell(req.id, mid)
                star = "*" if cell.source == "override" else ""
                cells.append(f'<td class="r" style="background:{COLOURS[cell.rating]}" '
                             f'title="{esc(cell.why)}">{esc(cell.rating)}{star}</td>')
            out.append(f"<tr><td>{esc(req.id)}</td><td>{esc(req.level)}</td>"
                       f"<td>{esc(req.title)}</td>{''.join(cells)}</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def to_xlsx(matrix: Matrix) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "matrix"
    ids = [m.id for m in matrix.models]
    sheet.append(["requirement", "area", "category", "level", "title", *ids])
    for req in matrix.requirements:
        ratings = [matrix.cell(req.id, mid) for mid in ids]
        sheet.append([req.id, req.area, req.category, req.level, req.title,
                      *[c.rating + ("*" if c.source == "override" else "") for c in ratings]])
        for column, cell in enumerate(ratings, start=6):
            target = sheet.cell(row=sheet.max_row, column=column)
            target.fill = PatternFill("solid", fgColor=COLOURS[cell.rating].lstrip("#"))
    details = book.create_sheet("justifications")
    details.append(list(CSV_COLUMNS))
    for row in long_rows(matrix):
        details.append([row[c] for c in CSV_COLUMNS])
    coverage = book.create_sheet("coverage")
    rows = coverage_rows(matrix)
    coverage.append(list(rows[0]) if rows else [])
    for row in rows:
        coverage.append([round(v, 4) if isinstance(v, float) else v for v in row.values()])
    for ws in (sheet, details, coverage):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(fmt: str, matrix: Matrix) -> str | bytes:
    """The matrix in ``fmt`` (one of :data:`FORMATS`); XLSX comes back as bytes."""
    writers = {"csv": to_csv, "json": to_json, "markdown": to_markdown, "html": to_html,
               "xlsx": to_xlsx}
    if fmt not in writers:
        raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    return writers[fmt](matrix)
