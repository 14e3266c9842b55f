"""Period: the profile's time period against dct:temporal.

A temporal period without an end date is read as ongoing (up to today); one without a start date
as starting at an unknown time, so it can only overlap. Meets when one period covers the wanted
one; partly when they overlap; fails when no period overlaps; unknown when there is no
dct:temporal (or none with a date).
"""

from __future__ import annotations

from datetime import date

from kimed.catalog.suitability.criteria.base import DCT, Check, Criterion, Verdict, evidence


def _text(start, end) -> str:
    return f"{start or '…'}/{end or '…'}"


class Period(Criterion):
    name = "period"
    label = "Time period"

    def asked(self, profile) -> bool:
        return profile.period.start is not None or profile.period.end is not None

    def checks(self, profile, subject, today: date | None = None) -> list[Check]:
        today = today or date.today()
        want_start = profile.period.start or date.min
        want_end = profile.period.end or today
        periods = [p for p in subject.record.temporal if p.start or p.end]
        wanted = _text(profile.period.start, profile.period.end)
        ev = [evidence(DCT + "temporal", [_text(p.start, p.end) for p in periods])]
        if not periods:
            return [Check.of("period", Verdict.UNKNOWN, "period_silent", ev, period=wanted)]
        best = Verdict.FAILS
        for p in periods:
            start, end = p.start, p.end or today
            if (start is not None and start > want_end) or end < want_start:
                continue
            covers_start = profile.period.start is None or (start is not None
                                                            and start <= want_start)
            if covers_start and end >= want_end:
                best = Verdict.MEETS
                break
            best = Verdict.PARTLY
        reason = {Verdict.MEETS: "period_covers", Verdict.PARTLY: "period_overlap",
                  Verdict.FAILS: "period_disjoint"}[best]
        return [Check.of("period", best, reason, ev, period=wanted)]
