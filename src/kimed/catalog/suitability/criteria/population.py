"""Population: age range, sex, and the minimum number of individuals.

- age: compares the profile's range with healthdcatap:minTypicalAge / maxTypicalAge. Meets when
  the dataset's range covers the wanted one; partly when they overlap (or only one bound is stated
  and it does not contradict); fails when they do not overlap; unknown when neither is stated.
- sex: HealthDCAT-AP has no property for it, so the population coverage text is read for words
  naming women or men. Meets when the wanted sex is named; fails when the text restricts the
  population to the other sex ("women only", "nur Frauen", "exclusively men"); unknown otherwise
  (a text naming "pregnant women" among children does not exclude boys).
- size: healthdcatap:numberOfUniqueIndividuals against the minimum. Meets when at least the
  minimum; fails when below; unknown when absent (numberOfRecords counts records, not people, and
  is shown as evidence only).
"""

from __future__ import annotations

import re

from kimed.catalog.suitability.criteria.base import HEALTH, Check, Criterion, Verdict, evidence

WORDS = {
    "female": r"\b(women|woman|female|females|girls|frauen|weiblich\w*|mädchen|mütter|mothers)\b",
    "male": r"\b(men|man|male|males|boys|männer|männlich\w*|jungen|väter|fathers)\b",
}


class Population(Criterion):
    name = "population"
    label = "Population"

    def asked(self, profile) -> bool:
        p = profile.population
        return p.age_min is not None or p.age_max is not None or p.sex != "any" or bool(
            p.min_individuals)

    def checks(self, profile, subject) -> list[Check]:
        p, record = profile.population, subject.record
        out = []
        if p.age_min is not None or p.age_max is not None:
            out.append(self._age(p, record))
        if p.sex != "any":
            out.append(self._sex(p.sex, record))
        if p.min_individuals:
            out.append(self._size(p.min_individuals, record))
        return out

    def _age(self, p, record) -> Check:
        lo = p.age_min if p.age_min is not None else 0
        hi = p.age_max if p.age_max is not None else 150
        req = "age_range" if p.age_max is not None else "age_from"
        dlo, dhi = record.min_typical_age, record.max_typical_age
        ev = [evidence(HEALTH + "minTypicalAge", [dlo]), evidence(HEALTH + "maxTypicalAge", [dhi])]
        if dlo is None and dhi is None:
            verdict, reason = Verdict.UNKNOWN, "age_silent"
        elif (dlo is not None and dlo > hi) or (dhi is not None and dhi < lo):
            verdict, reason = Verdict.FAILS, "age_disjoint"
        elif dlo is not None and dhi is not None and dlo <= lo and dhi >= hi:
            verdict, reason = Verdict.MEETS, "age_covers"
        else:
            verdict, reason = Verdict.PARTLY, "age_overlap"
        return Check.of(req, verdict, reason, ev, lo=lo, hi=hi)

    def _sex(self, sex: str, record) -> Check:
        texts = list(record.population_coverage.values())
        ev = [evidence(HEALTH + "populationCoverage", texts)]
        other = "male" if sex == "female" else "female"
        if not texts:
            return Check.of("sex", Verdict.UNKNOWN, "sex_silent", ev, sex=sex, other=other)
        named = any(re.search(WORDS[sex], t, re.IGNORECASE) for t in texts)
        only = re.compile(rf"\b(only|exclusively|nur|ausschließlich)\W+(\w+\W+){{0,2}}?"
                          rf"{WORDS[other]}|{WORDS[other]}\W+only\b", re.IGNORECASE)
        named_other = any(only.search(t) for t in texts)
        if named:
            verdict, reason = Verdict.MEETS, "sex_named"
        elif named_other:
            verdict, reason = Verdict.FAILS, "sex_other"
        else:
            verdict, reason = Verdict.UNKNOWN, "sex_unsaid"
        return Check.of("sex", verdict, reason, ev, sex=sex, other=other)

    def _size(self, minimum: int, record) -> Check:
        n = record.number_of_unique_individuals
        ev = [evidence(HEALTH + "numberOfUniqueIndividuals", [n])]
        if record.number_of_records is not None:
            ev.append(evidence(HEALTH + "numberOfRecords", [record.number_of_records]))
        if n is None:
            return Check.of("size", Verdict.UNKNOWN, "size_silent", ev, minimum=minimum)
        if n >= minimum:
            return Check.of("size", Verdict.MEETS, "size_enough", ev, minimum=minimum, n=n)
        return Check.of("size", Verdict.FAILS, "size_short", ev, minimum=minimum, n=n)
