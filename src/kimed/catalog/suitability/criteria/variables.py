"""Required variables, by name or code, against the record's data dictionary
(healthdcatap:hasVariables, a CSVW table group read by kimed.catalog.variables).

A wanted variable matches a column whose csvw:name or title equals it (ignoring case), or one of
whose codes equals it. Meets when it is found; fails when the record has a data dictionary without
it; unknown when the record has no data dictionary.
"""

from __future__ import annotations

from kimed.catalog.suitability.criteria.base import HEALTH, Check, Criterion, Verdict, evidence


def _code(text: str) -> str:
    text = text.strip().lower()
    return text.replace("#", "/").rstrip("/").rsplit("/", 1)[-1] if "://" in text else text


class Variables(Criterion):
    name = "variables"
    label = "Variables"

    def asked(self, profile) -> bool:
        return bool(profile.variables)

    def checks(self, profile, subject) -> list[Check]:
        from kimed.catalog.variables import read_variables

        found = read_variables(subject.graph, subject.node) if subject.record.has_variables else []
        out = []
        for wanted in profile.variables:
            key = wanted.strip().lower()
            if not found:
                out.append(Check.of("variable", Verdict.UNKNOWN, "var_silent",
                                    [evidence(HEALTH + "hasVariables", [])], name=wanted))
                continue
            hits = [v for v in found
                    if v.name.lower() == key
                    or any(t.lower() == key for t in v.titles.values())
                    or any(_code(c) == _code(wanted) or c.lower() == key for c in v.codes)]
            if hits:
                out.append(Check.of("variable", Verdict.MEETS, "var_listed",
                                    [evidence(HEALTH + "hasVariables", [v.name for v in hits])],
                                    name=wanted))
            else:
                out.append(Check.of("variable", Verdict.FAILS, "var_missing",
                                    [evidence(HEALTH + "hasVariables", [v.name for v in found])],
                                    name=wanted, count=len(found)))
        return out
