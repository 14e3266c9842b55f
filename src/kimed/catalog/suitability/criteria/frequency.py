"""Update frequency (EU frequency vocabulary) against dct:accrualPeriodicity.

Frequencies are ordered by their period (daily before weekly before annual ...). Meets when the
dataset is updated at least as often as wanted; fails when less often, or never (NEVER,
NOT_PLANNED); partly when the dataset's frequency has no period (irregular, as needed, other,
continuous-but-unstated); unknown when dct:accrualPeriodicity is absent or UNKNOWN.
"""

from __future__ import annotations

from kimed.catalog.suitability.criteria.base import DCT, Check, Criterion, Verdict, evidence

FREQ = "http://publications.europa.eu/resource/authority/frequency/"
# period in days of each frequency code with one
DAYS: dict[str, float] = {
    "1MIN": 1 / 1440, "5MIN": 5 / 1440, "10MIN": 10 / 1440, "15MIN": 15 / 1440,
    "30MIN": 30 / 1440, "HOURLY": 1 / 24, "BIHOURLY": 2 / 24, "TRIHOURLY": 3 / 24,
    "12HRS": 0.5, "CONT": 0.0, "UPDATE_CONT": 0.0, "DAILY": 1, "DAILY_2": 0.5, "WEEKLY": 7,
    "WEEKLY_2": 3.5, "WEEKLY_3": 7 / 3, "BIWEEKLY": 14, "MONTHLY": 30, "MONTHLY_2": 15,
    "MONTHLY_3": 10, "BIMONTHLY": 61, "QUARTERLY": 91, "ANNUAL": 365, "ANNUAL_2": 182,
    "ANNUAL_3": 122, "BIENNIAL": 730, "TRIENNIAL": 1095, "QUADRENNIAL": 1461,
    "QUINQUENNIAL": 1826, "DECENNIAL": 3652, "BIDECENNIAL": 7305, "TRIDECENNIAL": 10957,
}
NEVER = {"NEVER", "NOT_PLANNED"}


class Frequency(Criterion):
    name = "frequency"
    label = "Update frequency"

    def asked(self, profile) -> bool:
        return profile.frequency is not None

    def checks(self, profile, subject) -> list[Check]:
        wanted = profile.frequency
        value = subject.record.frequency
        code = value.rsplit("/", 1)[-1] if value else None
        ev = [evidence(DCT + "accrualPeriodicity", [value] if value else [])]
        if code is None or code == "UNKNOWN":
            verdict, reason = Verdict.UNKNOWN, "freq_silent"
        elif code in NEVER:
            verdict, reason = Verdict.FAILS, "freq_never"
        elif code not in DAYS or wanted not in DAYS:
            verdict, reason = Verdict.PARTLY, "freq_irregular"
        elif DAYS[code] <= DAYS[wanted]:
            verdict, reason = Verdict.MEETS, "freq_often"
        else:
            verdict, reason = Verdict.FAILS, "freq_rarely"
        return [Check.of("frequency", verdict, reason, ev, frequency=wanted, found=code or "")]
