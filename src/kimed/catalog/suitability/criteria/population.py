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
        requirement = f"age {lo}-{hi}" if p.age_max is not None else f"age {lo}+"
        dlo, dhi = record.min_typical_age, record.max_typical_age
        ev = [evidence(HEALTH + "minTypicalAge", [dlo]), evidence(HEALTH + "maxTypicalAge", [dhi])]
        if dlo is None and dhi is None:
            return Check(requirement=requirement, verdict=Verdict.UNKNOWN, evidence=ev,
                         reason="the record states no typical age range")
        if (dlo is not None and dlo > hi) or (dhi is not None and dhi < lo):
            return Check(requirement=requirement, verdict=Verdict.FAILS, evidence=ev,
                         reason="the dataset's age range does not overlap the wanted one")
        if dlo is not None and dhi is not None and dlo <= lo and dhi >= hi:
            return Check(requirement=requirement, verdict=Verdict.MEETS, evidence=ev,
                         reason="the dataset's age range covers the wanted one")
        return Check(requirement=requirement, verdict=Verdict.PARTLY, evidence=ev,
                     reason="the age ranges overlap in part (or only one bound is stated)")

    def _sex(self, sex: str, record) -> Check:
        texts = list(record.population_coverage.values())
        ev = [evidence(HEALTH + "populationCoverage", texts)]
        if not texts:
            return Check(requirement=f"sex {sex}", verdict=Verdict.UNKNOWN, evidence=ev,
                         reason="the record has no population coverage text")
        other = "male" if sex == "female" else "female"
        named = any(re.search(WORDS[sex], t, re.IGNORECASE) for t in texts)
        only = re.compile(rf"\b(only|exclusively|nur|ausschließlich)\W+(\w+\W+){{0,2}}?"
                          rf"{WORDS[other]}|{WORDS[other]}\W+only\b", re.IGNORECASE)
        named_other = any(only.search(t) for t in texts)
        if named:
            return Check(requirement=f"sex {sex}", verdict=Verdict.MEETS, evidence=ev,
                         reason=f"the population coverage names {sex} participants")
        if named_other:
            return Check(requirement=f"sex {sex}", verdict=Verdict.FAILS, evidence=ev,
                         reason=f"the population coverage restricts it to {other} participants")
        return Check(requirement=f"sex {sex}", verdict=Verdict.UNKNOWN, evidence=ev,
                     reason="the population coverage does not say which sexes are included")

    def _size(self, minimum: int, record) -> Check:
        n = record.number_of_unique_individuals
        ev = [evidence(HEALTH + "numberOfUniqueIndividuals", [n])]
        if record.number_of_records is not None:
            ev.append(evidence(HEALTH + "numberOfRecords", [record.number_of_records]))
        requirement = f"at least {minimum} individuals"
        if n is None:
            return Check(requirement=requirement, verdict=Verdict.UNKNOWN, evidence=ev,
                         reason="the record does not state the number of unique individuals")
        if n >= minimum:
            return Check(requirement=requirement, verdict=Verdict.MEETS, evidence=ev,
                         reason=f"{n} individuals")
        return Check(requirement=requirement, verdict=Verdict.FAILS, evidence=ev,
                     reason=f"only {n} individuals")
