"""Person-level files: record-level data must not leave the SPE, only aggregates.

Heuristics over any CSV output (they find the plain cases, not a determined adversary):

* fail: a column that looks like an identifier (its name, or values such as ``P000123``) whose
  values are unique over at least ``person_level_min_rows`` rows: one row per person;
* fail: a column named like a date of birth (dob, birth_date, Geburtsdatum, ...);
* review: a column of exact dates over at least ``person_level_min_rows`` rows;
* review: at least ``person_level_review_rows`` rows, whatever the columns.

Source: SDC Handbook (microdata are not outputs; release aggregates); SATRE 3.3.02 (outputs limited
to the minimum needed); the thresholds are KIMed's own (not ACRO's).
"""

from __future__ import annotations

import csv
import io
import re

from kimed.spe.airlock.base import SDC_HANDBOOK, Check, CheckContext, listing
from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import Cell, CheckResult, Rule, Verdict

ID_NAME = re.compile(
    r"(^|[_\s-])(id|pid|mrn|patient|patient_?id|person|person_?id|subject|subject_?id|participant"
    r"|case_?id|fallnummer|fall_?nr|patienten_?nr|kvnr|versichertennummer|pseudonym|record_?id)$",
    re.IGNORECASE,
)
ID_VALUE = re.compile(r"^[A-Za-z]{1,6}[-_]?\d{3,}$")
DOB_NAME = re.compile(
    r"(dob|birth|geburt|geb_?dat|geb_?datum|date_of_birth|birthdate|geboren)", re.IGNORECASE
)
DATE_VALUE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}/\d{1,2}/\d{4})$")


def read_rows(output: OutputFile) -> tuple[list[str], list[list[str]]]:
    text = output.read_text()
    if text is None:
        raise AirlockInputError(output.name, "(file)", "a CSV output is UTF-8 text", "not text")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True) if r]
    except csv.Error as exc:
        raise AirlockInputError(output.name, "(csv)", "well-formed CSV (RFC 4180)", str(exc)) from exc
    if not rows:
        return [], []
    return [h.strip() for h in rows[0]], rows[1:]


class PersonLevelCheck(Check):
    id = "person-level"
    title = "Person-level (record-level) files"
    kinds = frozenset({OutputKind.FILE, OutputKind.FREQUENCY, OutputKind.MAGNITUDE, OutputKind.TEXT})

    def applies(self, output: OutputFile) -> bool:
        return super().applies(output) and output.suffix in (".csv", ".tsv")

    def rule(self, ctx: CheckContext) -> Rule:
        a = ctx.appetite
        return Rule(
            id="person-level",
            name="no record-level data (identifier, one row per person, date of birth)",
            parameters={
                "person_level_min_rows": a.person_level_min_rows,
                "person_level_review_rows": a.person_level_review_rows,
            },
            source=f"{SDC_HANDBOOK}; SATRE 3.3.02; thresholds: KIMed",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        header, rows = read_rows(output)
        a = ctx.appetite
        fails: list[Cell] = []
        reviews: list[Cell] = []
        n = len(rows)
        for i, name in enumerate(header):
            values = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
            if DOB_NAME.search(name):
                fails.append(Cell(column=name, value=n, reason="date-of-birth column"))
                continue
            unique = len(set(values)) == len(values) and len(values) >= a.person_level_min_rows
            id_like = bool(ID_NAME.search(name)) or (values and all(ID_VALUE.match(v) for v in values))
            if unique and id_like:
                fails.append(Cell(column=name, value=len(values), reason=f"identifier-like, unique over {len(values)} rows"))
            elif len(values) >= a.person_level_min_rows and all(DATE_VALUE.match(v) for v in values):
                reviews.append(Cell(column=name, value=len(values), reason="exact dates, one per row"))
        if n >= a.person_level_review_rows:
            reviews.append(Cell(value=n, reason=f"{n} rows (>= {a.person_level_review_rows})"))
        if fails:
            return self.result(
                output, ctx, Verdict.FAIL, f"looks like person-level data: {listing(fails)}", fails + reviews
            )
        if reviews:
            return self.result(output, ctx, Verdict.REVIEW, f"may be record-level data: {listing(reviews)}", reviews)
        return self.result(output, ctx, Verdict.PASS, f"{n} rows, no identifier or date-of-birth column")
