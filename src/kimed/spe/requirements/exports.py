"""The catalogue as Markdown, HTML, CSV, JSON and XLSX (one row or section per requirement)."""

from __future__ import annotations

import csv
import html
import io
import json

from kimed.spe.requirements.schema import Catalogue, Requirement

FORMATS = ("markdown", "html", "csv", "json", "xlsx")
COLUMNS = ("id", "area", "category", "title", "level", "statement", "rationale", "five_safes",
           "applies_to", "legal", "satre", "tehdas2", "standards", "verification_method",
           "verification_how", "implementation_status", "tests")


def flat(req: Requirement) -> dict[str, str]:
    """One requirement as a row of strings; list fields joined with '; '."""
    s = req.sources
    values = {"id": req.id, "area": req.area, "category": req.category, "title": req.title,
              "level": req.level, "statement": req.statement, "rationale": req.rationale,
              "five_safes": req.five_safes, "applies_to": req.applies_to, "legal": s.legal,
              "satre": s.satre, "tehdas2": s.tehdas2, "standards": s.standards,
              "verification_method": req.verification.method,
              "verification_how": req.verification.how,
              "implementation_status": req.implementation.status,
              "tests": req.implementation.tests}
    return {k: "; ".join(v) if isinstance(v, list) else str(v or "") for k, v in values.items()}


def to_json(catalogue: Catalogue, requirements: list[Requirement] | None = None) -> str:
    reqs = catalogue.requirements if requirements is None else requirements
    return json.dumps({"catalogue": catalogue.info.model_dump(mode="json"),
                       "requirements": [r.to_dict() for r in reqs]},
                      indent=1, ensure_ascii=False) + "\n"


def to_csv(catalogue: Catalogue, requirements: list[Requirement] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for req in catalogue.requirements if requirements is None else requirements:
        writer.writerow(flat(req))
    return buffer.getvalue()


def to_xlsx(catalogue: Catalogue, requirements: list[Requirement] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "requirements"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for req in catalogue.requirements if requirements is None else requirements:
        sheet.append([flat(req)[c] for c in COLUMNS])
    widths = {"id": 18, "title": 36, "statement": 70, "rationale": 60, "verification_how": 50}
    for index, column in enumerate(COLUMNS, 1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(column, 16)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    info = book.create_sheet("catalogue")
    for key in ("title", "version", "date"):
        info.append([key, str(getattr(catalogue.info, key))])
    for change in catalogue.info.changelog:
        info.append([f"changes {change.version} ({change.date})", "; ".join(change.changes)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def requirement_markdown(req: Requirement) -> list[str]:
    s = req.sources
    sources = [f"{label}: {', '.join(items)}" for label, items in
               (("Legal", s.legal), ("SATRE", s.satre), ("TEHDAS2", s.tehdas2),
                ("Standards", s.standards)) if items]
    tests = ", ".join(f"`{t}`" for t in req.implementation.tests) or "none"
    return [f"### {req.id}: {req.title} {{#{req.id}}}", "",
            f"**{req.level}**. {req.statement}", "", f"*Why:* {req.rationale}", "",
            f"- Five Safes: {', '.join(req.five_safes)}",
            f"- Applies to: {', '.join(p.replace('_', ' ') for p in req.applies_to)}",
            f"- Sources: {'; '.join(sources)}",
            f"- Verification ({req.verification.method}): {req.verification.how}",
            f"- KIMed runtime: {req.implementation.status}; tests: {tests}", ""]


def to_markdown(catalogue: Catalogue, requirements: list[Requirement] | None = None) -> str:
    reqs = catalogue.requirements if requirements is None else requirements
    info = catalogue.info
    lines = [f"# {info.title}", "", f"Version {info.version}, {info.date}. "
             f"{len(reqs)} requirement(s).", ""]
    current = None
    for req in reqs:
        if (req.area, req.category) != current:
            current = (req.area, req.category)
            lines += [f"## {req.area} / {req.category}", ""]
        lines += requirement_markdown(req)
    return "\n".join(lines)


def to_html(catalogue: Catalogue, requirements: list[Requirement] | None = None) -> str:
    reqs = catalogue.requirements if requirements is None else requirements
    info = catalogue.info
    e = html.escape
    rows = "\n".join(
        f'<tr id="{e(r.id)}"><td>{e(r.id)}</td><td>{e(r.area)} / {e(r.category)}</td>'
        f"<td>{e(r.level)}</td><td><strong>{e(r.title)}</strong><br>{e(r.statement)}</td>"
        f"<td>{e(', '.join(r.five_safes))}</td><td>{e(flat(r)['legal'])}"
        f"{'<br>SATRE ' + e(flat(r)['satre']) if r.sources.satre else ''}"
        f"{'<br>TEHDAS2 ' + e(flat(r)['tehdas2']) if r.sources.tehdas2 else ''}</td>"
        f"<td>{e(r.implementation.status)}</td></tr>" for r in reqs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(info.title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;line-height:1.4}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:.3rem;
vertical-align:top;text-align:left}}th{{background:#eee}}
@media print{{body{{margin:0}}tr{{break-inside:avoid}}}}</style></head>
<body><h1>{e(info.title)}</h1><p>Version {e(info.version)}, {info.date}. {len(reqs)}
requirement(s).</p>
<table><thead><tr><th>ID</th><th>Area / category</th><th>Level</th><th>Requirement</th>
<th>Five Safes</th><th>Sources</th><th>KIMed runtime</th></tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""


def render(fmt: str, catalogue: Catalogue, requirements: list[Requirement] | None = None
           ) -> str | bytes:
    """The export in ``fmt`` (one of FORMATS); XLSX comes as bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    return {"markdown": to_markdown, "html": to_html, "csv": to_csv, "json": to_json,
            "xlsx": to_xlsx}[fmt](catalogue, requirements)
