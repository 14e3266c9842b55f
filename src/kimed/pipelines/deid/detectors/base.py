"""The Detector base class, the registry of built-in detectors, and overlap merging.

A detector finds PHI spans in a text. Built-ins are listed explicitly in :data:`BUILTINS` as
``name -> "module:Class"`` and imported only when asked for, so importing this module does no work.
:func:`detect_all` runs several detectors and merges overlapping spans: the longest span wins, ties go
to the label that comes first in :data:`LABEL_PRIORITY`, then to the earlier start.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable

from kimed.pipelines.deid.corpus import Span

BUILTINS: dict[str, str] = {
    "patterns": "kimed.pipelines.deid.detectors.patterns:PatternDetector",
    "context": "kimed.pipelines.deid.detectors.context:ContextDetector",
}
"""Built-in detectors, by name; each value is ``"module:Class"``."""

LABEL_PRIORITY: tuple[str, ...] = (
    "CONTACT_EMAIL",
    "CONTACT_URL",
    "ID",
    "CONTACT_FAX",
    "CONTACT_PHONE",
    "DATE",
    "AGE",
    "NAME_PATIENT",
    "NAME_DOCTOR",
    "NAME_RELATIVE",
    "NAME_TITLE",
    "LOCATION_ZIP",
    "LOCATION_HOSPITAL",
    "LOCATION_STREET",
    "LOCATION_CITY",
    "LOCATION_ORGANIZATION",
)
"""Tie-break order for equally long overlapping spans; labels not listed come after, alphabetically."""


class Detector(ABC):
    """Finds PHI in a text; ``detect`` returns spans with Python string offsets."""

    name: str = ""

    @abstractmethod
    def detect(self, text: str) -> list[Span]:
        """The PHI spans found in ``text`` (they may overlap; :func:`detect_all` merges them)."""


class UnknownDetectorError(KeyError):
    """A detector name that is not in the registry."""


def builtin_names() -> list[str]:
    """The names of the built-in detectors, in registry order."""
    return list(BUILTINS)


def get_detector(name: str) -> Detector:
    """A new instance of the built-in detector ``name``."""
    try:
        target = BUILTINS[name]
    except KeyError:
        raise UnknownDetectorError(
            f"unknown detector {name!r}; built-ins: {', '.join(BUILTINS)}"
        ) from None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)()


def builtin_detectors() -> list[Detector]:
    """One instance of every built-in detector."""
    return [get_detector(name) for name in BUILTINS]


def _rank(label: str) -> tuple[int, str]:
    try:
        return (LABEL_PRIORITY.index(label), label)
    except ValueError:
        return (len(LABEL_PRIORITY), label)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Resolve overlaps: keep the longest span, ties by label priority then start; sorted by offset."""
    kept: list[Span] = []
    for span in sorted(set(spans), key=lambda s: (-(s.end - s.start), _rank(s.label), s.start)):
        if span.end > span.start and all(span.end <= k.start or k.end <= span.start for k in kept):
            kept.append(span)
    return sorted(kept)


def detect_all(text: str, detectors: Iterable[Detector] | None = None) -> list[Span]:
    """Run ``detectors`` (default: all built-ins) on ``text`` and merge their spans."""
    found: list[Span] = []
    for detector in builtin_detectors() if detectors is None else detectors:
        found.extend(detector.detect(text))
    return merge_spans(found)
