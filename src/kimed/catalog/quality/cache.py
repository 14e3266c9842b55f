"""A per-process cache of quality scores, so that a dashboard over thousands of records does not
score every record again on every request.

A score depends only on the stored record and, when link checks are on, on the states of its
links. So the key is the record's row (id and IRI), its ``updated_at`` (which every write to the
row changes, through the ORM or a Core UPDATE), its SHACL violation count, and the state of each of
its access and download URLs (``None`` when link checks are off). A record that changes, or a link
whose cached state changes, gets a new key and is scored again; stale entries fall out when the
cache is full (least recently used first).

The cache lives in the process: each web worker keeps its own, and a new process starts empty.
Nothing is created at import; :func:`score_cache` builds the cache on first use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache

from kimed.catalog.models import DatasetRow
from kimed.catalog.quality.linkcheck import LinkChecker
from kimed.catalog.quality.model import QualityScore

DEFAULT_SIZE = 50_000


def link_state(row: DatasetRow, links: LinkChecker | None) -> tuple[str, ...] | None:
    """The states of the row's access and download URLs, in order (None when checks are off)."""
    if links is None:
        return None
    urls = [d.get(key) for d in (row.projection or {}).get("distributions", [])
            for key in ("access_url", "download_url")]
    return tuple(links.status(u) for u in urls if u)


def key_of(row: DatasetRow, links: LinkChecker | None) -> Hashable:
    """What a score of ``row`` depends on (see the module text)."""
    return (row.id, row.iri, row.updated_at, row.violations, link_state(row, links))


class ScoreCache:
    """Scores by :func:`key_of`, at most ``max_size`` of them; safe to share between threads.

    Scores are handed out as they are stored, so callers must not change them (nothing does:
    explanations, DQV and the pages only read them)."""

    def __init__(self, max_size: int = DEFAULT_SIZE) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1 (got {max_size})")
        self.max_size = max_size
        self._items: OrderedDict[Hashable, QualityScore] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def get_or_score(self, row: DatasetRow, links: LinkChecker | None,
                     score: Callable[[], QualityScore]) -> QualityScore:
        key = key_of(row, links)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
        value = score()  # outside the lock: two threads may both score a new record, harmlessly
        with self._lock:
            self.misses += 1
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


@cache
def score_cache() -> ScoreCache:
    """The process's cache (built on first use)."""
    return ScoreCache()
