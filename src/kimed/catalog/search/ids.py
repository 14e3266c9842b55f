"""Search ids: datasets and algorithms share the search tables.

A dataset is indexed under its ``datasets.id``; an algorithm under ``ALGORITHM_BASE`` plus its
``algorithms.id``. Dataset ids stay far below the base (it is 2**30, about a billion), and the
in-memory index gives algorithms the bit positions after the datasets', so the bitsets stay as
small as the catalogue (kimed.catalog.search.memory).
"""

from __future__ import annotations

ALGORITHM_BASE = 1 << 30


def algorithm_search_id(algorithm_id: int) -> int:
    return ALGORITHM_BASE + algorithm_id


def is_algorithm(search_id: int) -> bool:
    return search_id >= ALGORITHM_BASE


def algorithm_id(search_id: int) -> int:
    return search_id - ALGORITHM_BASE
