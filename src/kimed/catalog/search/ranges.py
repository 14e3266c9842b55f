"""The age and time range filters over bitsets (see kimed.catalog.search.memory).

The rules are those of the SQL filters (docs/search.md): a record matches an age range when its
[min, max] overlaps it, a missing bound being open, and never when it states no age; it matches a
time range when any of its periods overlaps it, a period without end running on forever.

Ages are whole years from 0 to 150, so there is one cumulative bitset per year. Dates are bucketed
by year: one cumulative bitset per year present in the data, plus the exact days of the records in
the boundary year.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date

MAX_AGE = 150


def _bits(ids, width: int) -> int:
    top = width * 8 - 1
    digits = bytearray(b"0") * (top + 1)
    for i in ids:
        digits[top - i] = 49
    return int(digits, 2)


def _cumulative(buckets: list[list[int]], width: int) -> list[int]:
    out, acc = [], 0
    for ids in buckets:
        acc |= _bits(ids, width)
        out.append(acc)
    return out


@dataclass
class AgeIndex:
    has: int  # records stating any age
    no_min: int
    no_max: int
    min_le: list[int]  # [a]: records whose min age is stated and <= a
    max_ge: list[int]  # [a]: records whose max age is stated and >= a

    @classmethod
    def build(cls, rows, width: int) -> AgeIndex:
        by_min = [[] for _ in range(MAX_AGE + 1)]
        by_max = [[] for _ in range(MAX_AGE + 1)]
        no_min, no_max, has = [], [], []
        for did, lo, hi in rows:
            has.append(did)
            if lo is None:
                no_min.append(did)
            elif lo <= MAX_AGE:
                by_min[max(lo, 0)].append(did)
            if hi is None:
                no_max.append(did)
            elif hi >= 0:
                by_max[min(hi, MAX_AGE)].append(did)
        max_ge = _cumulative(by_max[::-1], width)[::-1]
        return cls(_bits(has, width), _bits(no_min, width), _bits(no_max, width),
                   _cumulative(by_min, width), max_ge)

    def match(self, lo: int | None, hi: int | None) -> int:
        out = self.has
        if hi is not None:
            out &= self.no_min | self.min_le[min(max(hi, 0), MAX_AGE)]
        if lo is not None:
            out &= self.no_max | (self.max_ge[lo] if lo <= MAX_AGE else 0)
        return out


def _iso(value) -> str | None:
    """A day as ISO text (``YYYY-MM-DD``), which sorts like the days themselves."""
    if value is None:
        return None
    return value[:10] if isinstance(value, str) else value.isoformat()


@dataclass
class _Bound:
    """Records by one day each (their earliest start or latest end), bucketed by year."""

    years: list[int]
    cumulative: list[int]
    exact: dict[int, list[tuple[int, str]]]  # year -> (record, day)
    open: int  # records whose day is unbounded (no start / no end)

    @classmethod
    def build(cls, days: list[tuple[int, str | None]], width: int, upward: bool) -> _Bound:
        exact: dict[int, list[tuple[int, str]]] = {}
        open_ids = []
        for did, day in days:
            if day is None:
                open_ids.append(did)
            else:
                exact.setdefault(int(day[:4]), []).append((did, day))
        years = sorted(exact)
        buckets = [[d for d, _ in exact[y]] for y in years]
        if upward:  # cumulative[k]: records whose year <= years[k]
            cumulative = _cumulative(buckets, width)
        else:  # cumulative[k]: records whose year >= years[k]
            cumulative = _cumulative(buckets[::-1], width)[::-1]
        return cls(years, cumulative, exact, _bits(open_ids, width))

    def at_most(self, day: date, width: int) -> int:
        k = bisect_left(self.years, day.year)
        out = self.open | (self.cumulative[k - 1] if k else 0)
        limit = day.isoformat()
        if k < len(self.years) and self.years[k] == day.year:
            out |= _bits((d for d, v in self.exact[day.year] if v <= limit), width)
        return out

    def at_least(self, day: date, width: int) -> int:
        k = bisect_right(self.years, day.year)
        out = self.open | (self.cumulative[k] if k < len(self.years) else 0)
        limit = day.isoformat()
        if day.year in self.exact:
            out |= _bits((d for d, v in self.exact[day.year] if v >= limit), width)
        return out


@dataclass
class PeriodIndex:
    has: int  # records with any period
    width: int
    starts: _Bound  # by earliest start (None: open)
    ends: _Bound  # by latest end (None: open)
    several: int  # records with more than one period
    periods: dict[int, list[tuple[str | None, str | None]]]  # of the records in ``several``

    @classmethod
    def build(cls, summary, several_rows, width: int, universe: int) -> PeriodIndex:
        """``summary``: (record, periods, earliest start, latest end) with None for an open
        bound; ``several_rows``: (record, start, end) of the records with several periods."""
        limit = width * 8
        summary = [r for r in summary if r[0] < limit]
        periods: dict[int, list[tuple[str | None, str | None]]] = {}
        for did, start, end in several_rows:
            if did < limit:
                periods.setdefault(did, []).append((_iso(start), _iso(end)))
        return cls(_bits((r[0] for r in summary), width) & universe, width,
                   _Bound.build([(r[0], _iso(r[2])) for r in summary], width, upward=True),
                   _Bound.build([(r[0], _iso(r[3])) for r in summary], width, upward=False),
                   _bits(periods, width), periods)

    def match(self, start: date | None, end: date | None) -> int:
        out = self.has
        if end is not None:
            out &= self.starts.at_most(end, self.width)
        if start is not None:
            out &= self.ends.at_least(start, self.width)
        if start is not None and end is not None and out & self.several:
            lo, hi = start.isoformat(), end.isoformat()
            data = out.to_bytes(self.width, "little")
            drop = [did for did, ps in self.periods.items()
                    if data[did >> 3] >> (did & 7) & 1
                    and not any((s is None or s <= hi) and (e is None or e >= lo) for s, e in ps)]
            if drop:
                out &= ~_bits(drop, self.width)
        return out
