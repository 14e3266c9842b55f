"""The in-process facet index: filters, facet counts and sort orders without scanning rows.

Counting facets in SQL costs time in proportion to the number of matching records times their facet
values; at 100,000 records a broad filter reads hundreds of thousands of rows (docs/search.md has
the figures). So each process keeps a compact copy of the facet data, built from the database:

- one **bitset** per facet value: a Python ``int`` whose bit *i* is set when dataset *i* has the
  value. A facet filter is an OR of bitsets, combining filters is AND, and counting a value over
  the matches is ``(matches & bits).bit_count()``: a few microseconds per value at 100k records;
- cumulative bitsets for the age and time ranges (see :mod:`kimed.catalog.search.ranges`);
- the sort orders (title per language, modified, size, newest) as lists of dataset ids;
- the words of the facet values' labels (kimed.catalog.search.labels), so that a vocabulary word
  finds its records without the database's text index.

The words are still matched by the database (FTS5 or tsvector). The copy is tagged with the
``search_meta`` generation, which every (un)indexing changes; :func:`facet_index` checks it on every
search and rebuilds the copy when it differs (about a second at 100k records). The SQL counts in
:mod:`kimed.catalog.search.reference` stay as the reference; tests check that both agree.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kimed.catalog.search import raw
from kimed.catalog.search.expression import Clause
from kimed.catalog.search.ids import ALGORITHM_BASE
from kimed.catalog.search.labels import LabelIndex
from kimed.catalog.search.ranges import AgeIndex, PeriodIndex

PENDING = -1  # the generation a migration leaves when the index must be rebuilt
KEEP = 4  # databases whose index one process keeps (tests open many)
_LOCK = threading.Lock()
_INDEXES: OrderedDict[str, FacetIndex] = OrderedDict()
_NONZERO = re.compile(rb"[^\x00]")
_BITS_OF = [tuple(b for b in range(8) if byte >> b & 1) for byte in range(256)]
ORDERS = {
    "title_en": "sort_en ASC, dataset_id ASC",
    "title_de": "sort_de ASC, dataset_id ASC",
    "modified": "CASE WHEN modified IS NULL THEN 1 ELSE 0 END, modified DESC, dataset_id ASC",
    "size": "CASE WHEN population IS NULL THEN 1 ELSE 0 END, population DESC, dataset_id ASC",
    "newest": "CASE WHEN created IS NULL THEN 1 ELSE 0 END, created DESC, dataset_id DESC",
}


def to_bits(ids, width: int) -> int:
    """The bitset of ``ids`` (dataset ids below ``width * 8``)."""
    top = width * 8 - 1
    digits = bytearray(b"0") * (top + 1)  # binary digits, most significant first
    for i in ids:
        digits[top - i] = 49
    return int(digits, 2)


def ids_of(bits: int, width: int) -> list[int]:
    """The ids in a bitset, ascending."""
    data = bits.to_bytes(width, "little")
    out: list[int] = []
    for m in _NONZERO.finditer(data):
        base = m.start() * 8
        out += [base + b for b in _BITS_OF[data[m.start()]]]
    return out


@dataclass
class FacetIndex:
    generation: int
    width: int  # bytes per bitset: every dataset id is below width * 8
    universe: int  # every indexed dataset
    values: dict[int, tuple[str, str, str | None]]  # value id -> (facet, value, label)
    by_value: dict[tuple[str, str], int]
    facets: dict[str, list[int]]  # facet key -> value ids
    bits: dict[int, int]
    totals: dict[int, int]
    ages: AgeIndex
    periods: PeriodIndex
    labels: LabelIndex = field(default_factory=LabelIndex)
    split: int = 0  # bit positions from here on belong to algorithms (kimed.catalog.search.ids)
    extra: list[int] = field(default_factory=list)  # algorithm search ids, ascending
    extra_pos: dict[int, int] = field(default_factory=dict)  # algorithm search id -> position
    orders: dict[str, list[int]] = field(default_factory=dict)  # positions in sort order
    ranks: dict[str, list[int]] = field(default_factory=dict)  # position -> rank in the order
    cache: dict = field(default_factory=dict)  # things derived once per generation

    @property
    def size(self) -> int:
        return self.universe.bit_count()

    def pos(self, search_id: int) -> int:
        """The bit position of a search id (-1 for an algorithm the index does not know)."""
        return search_id if search_id < ALGORITHM_BASE else self.extra_pos.get(search_id, -1)

    def to_bits(self, ids: list[int]) -> int:
        """The bitset of search ``ids``; ids the index does not know are left out."""
        if not ids:
            return 0
        top = max(ids)
        if top >= ALGORITHM_BASE:
            ids = [p for p in map(self.pos, ids) if p >= 0]
            top = max(ids, default=0)
        if top >= self.width * 8:
            ids = [i for i in ids if i < self.width * 8]
        return to_bits(ids, self.width) & self.universe

    def positions_of(self, bits: int) -> list[int]:
        return ids_of(bits, self.width)

    def ids_of(self, bits: int) -> list[int]:
        """The search ids in a bitset: dataset ids ascending, then algorithm ids ascending."""
        found = ids_of(bits, self.width)
        if not self.extra or not found or found[-1] < self.split:
            return found
        split, extra = self.split, self.extra
        return [p if p < split else extra[p - split] for p in found]

    def label_bits(self, clause: Clause) -> int:
        """The records with a facet value whose label satisfies ``clause``
        (kimed.catalog.search.labels)."""
        return self.union(self.labels.clause_values(clause))

    def union(self, value_ids) -> int:
        out = 0
        for vid in value_ids:
            out |= self.bits.get(vid, 0)
        return out

    def count(self, facet: str, base: int | None) -> dict[int, int]:
        """Value id -> number of datasets in ``base`` (None: all) that have it, zeros left out."""
        if base is None:
            return {v: self.totals[v] for v in self.facets.get(facet, ()) if self.totals[v]}
        out = {}
        for vid in self.facets.get(facet, ()):
            n = (base & self.bits[vid]).bit_count()
            if n:
                out[vid] = n
        return out

    def order(self, session: Session, name: str) -> list[int]:
        """Every position in sort order ``name`` (read from the database on first use)."""
        if name not in self.orders:
            ids = raw.column(session, f"SELECT dataset_id FROM dataset_search "
                             f"ORDER BY {ORDERS[name]}")
            positions = [p for p in map(self.pos, ids) if 0 <= p < self.width * 8]
            rank = [0] * (self.width * 8)
            for n, p in enumerate(positions):
                rank[p] = n
            self.ranks[name], self.orders[name] = rank, positions
        return self.orders[name]

    def page(self, session: Session, order: str, bits: int, total: int, offset: int,
             limit: int) -> list[int]:
        """Search ids ``offset`` to ``offset + limit`` of ``bits`` in sort ``order``."""
        if offset >= total:
            return []
        self.order(session, order)
        want = offset + limit
        if total * 40 < self.size:  # few matches: sort them
            rank = self.ranks[order]
            found = sorted(self.positions_of(bits), key=rank.__getitem__)[offset:want]
        else:
            data = bits.to_bytes(self.width, "little")
            found = []
            for i in self.orders[order]:
                if data[i >> 3] >> (i & 7) & 1:
                    found.append(i)
                    if len(found) == want:
                        break
            found = found[offset:]
        return [self.search_id(p) for p in found]

    def search_id(self, position: int) -> int:
        return position if position < self.split else self.extra[position - self.split]


def generation(session: Session) -> int:
    got = raw.column(session, "SELECT value FROM search_meta WHERE name = 'generation'")
    return int(got[0]) if got else 0


def _key(session: Session) -> str:
    return session.get_bind().url.render_as_string(hide_password=True)


def facet_index(session: Session) -> FacetIndex:
    """This process's facet index of the session's database, rebuilt when it is stale."""
    gen, key = generation(session), _key(session)
    if gen == PENDING:  # a migration emptied the index: rebuild it once, here or at startup
        from kimed.catalog.search.indexer import rebuild_pending

        rebuild_pending(session)
        gen = generation(session)
    with _LOCK:
        found = _INDEXES.get(key)
        if found is not None and found.generation == gen:
            _INDEXES.move_to_end(key)
            return found
    built = build(session, gen)
    with _LOCK:
        _INDEXES[key] = built
        _INDEXES.move_to_end(key)
        while len(_INDEXES) > KEEP:
            _INDEXES.popitem(last=False)
    return built


def _grouped(session: Session, pg: bool) -> list[tuple[int, str]]:
    """(value id, "id,id,...") per facet value: one row per value instead of one per pair."""
    agg = ("string_agg(CAST(dataset_id AS text), ',')" if pg
           else "group_concat(dataset_id, ',')")
    return raw.fetch(session, f"SELECT value_id, {agg} FROM dataset_facets GROUP BY value_id")


def build(session: Session, gen: int = 0) -> FacetIndex:
    """Read the facet data and sort orders of the whole index from the database."""
    index = _build(session, gen)
    for name in ORDERS:
        index.order(session, name)
    return index


def _build(session: Session, gen: int) -> FacetIndex:
    pg = raw.is_pg(session)
    all_ids = raw.column(session, "SELECT dataset_id FROM dataset_search")
    datasets = [i for i in all_ids if i < ALGORITHM_BASE]
    extra = sorted(i for i in all_ids if i >= ALGORITHM_BASE)
    split = ((max(datasets, default=0) >> 3) + 1) * 8
    extra_pos = {i: split + n for n, i in enumerate(extra)}
    width = ((split + len(extra)) >> 3) + 1
    universe = to_bits([*datasets, *extra_pos.values()], width)

    def positions(ids):
        return (i if i < ALGORITHM_BASE else extra_pos.get(i, -1) for i in ids)

    values, by_value, facets = {}, {}, {}
    for vid, facet, value, label in raw.fetch(session, "SELECT id, facet, value, label "
                                              "FROM search_values ORDER BY id"):
        values[vid] = (facet, value, label)
        by_value[(facet, value)] = vid
        facets.setdefault(facet, []).append(vid)
    bits = dict.fromkeys(values, 0)
    limit = width * 8
    for vid, joined in _grouped(session, pg):
        if vid in bits and joined:
            bits[vid] = to_bits((i for i in positions(map(int, joined.split(",")))
                                 if 0 <= i < limit), width) & universe
    day = "CAST({} AS text)" if pg else "{}"
    return FacetIndex(
        generation=gen, width=width, universe=universe, values=values, by_value=by_value,
        facets=facets, bits=bits, totals={vid: b.bit_count() for vid, b in bits.items()},
        labels=LabelIndex.build((vid, *v) for vid, v in values.items()),
        split=split, extra=extra, extra_pos=extra_pos,
        ages=AgeIndex.build(raw.fetch(
            session, "SELECT dataset_id, min_age, max_age FROM dataset_search "
            f"WHERE (min_age IS NOT NULL OR max_age IS NOT NULL) AND dataset_id < {ALGORITHM_BASE}"
            ), width),
        periods=PeriodIndex.build(raw.fetch(
            session, "SELECT dataset_id, count(*), "
            f"CASE WHEN count(*) > count(start_date) THEN NULL ELSE "
            f"{day.format('min(start_date)')} END, "
            f"CASE WHEN count(*) > count(end_date) THEN NULL ELSE "
            f"{day.format('max(end_date)')} END FROM search_periods "
            f"WHERE dataset_id < {ALGORITHM_BASE} GROUP BY dataset_id"),
            raw.fetch(session, f"SELECT p.dataset_id, {day.format('p.start_date')}, "
                      f"{day.format('p.end_date')} FROM search_periods p WHERE p.dataset_id IN "
                      f"(SELECT dataset_id FROM search_periods WHERE dataset_id < {ALGORITHM_BASE} "
                      "GROUP BY dataset_id HAVING count(*) > 1)"),
            width, universe),
    )


def forget() -> None:
    """Drop every cached index (tests)."""
    with _LOCK:
        _INDEXES.clear()
