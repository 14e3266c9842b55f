"""Detecting protected health information (PHI) in text.

``PhiDetector`` is the interface. ``RegexPhiDetector`` is a small built-in that finds plainly
formatted identifiers: e-mail addresses, phone numbers, dates (and dates labelled as a date of
birth), German health insurance numbers (KVNR), German pension insurance numbers and German IBANs.
It is NOT a de-identification model: it misses names, addresses and free-form identifiers. The
clinical-text de-identification demonstrator (``kimed.pipelines.deid``) will provide a real
detector behind this same interface.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class PhiFinding:
    """One span of text that may be PHI. ``severe`` findings fail the check; others need review."""

    kind: str
    start: int
    end: int
    text: str
    severe: bool


class PhiDetector(ABC):
    """Finds spans of text that may identify a person."""

    name: str = "phi-detector"

    @abstractmethod
    def detect(self, text: str) -> list[PhiFinding]:
        """Every finding in ``text``, in order of position."""


_MONTHS = r"(?:jan|feb|mär|maer|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)[a-zä]*\.?"
DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})|\d{1,2}/\d{1,2}/\d{4}"
    rf"|\d{{1,2}}\.?\s+{_MONTHS}\s+\d{{4}})\b",
    re.IGNORECASE,
)
DOB_LABEL = re.compile(
    r"(geb\.|geboren|geburtsdatum|geburtstag|date of birth|birth ?date|\bdob\b|\bborn\b)[\s:,=]*(am|on)?\s*$",
    re.IGNORECASE,
)
PATTERNS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), True),
    ("iban", re.compile(r"\bDE\d{2}(?:\s?\d{4}){4}\s?\d{2}\b"), True),
    ("pension_insurance_number", re.compile(r"\b\d{2}\s?\d{6}\s?[A-Z]\s?\d{3}\b"), True),
    ("health_insurance_number", re.compile(r"\b[A-Z]\d{9}\b"), True),
    (
        "phone",
        re.compile(r"(?:(?:\+|\b00)\d{1,3}[\s/-]?(?:\(0\)\s?)?|\b0)\d{2,5}[\s/-]?\d{3,}(?:[\s-]\d{2,})*\b"),
        True,
    ),
)


class RegexPhiDetector(PhiDetector):
    """The built-in pattern detector (see the module docstring for what it does not find)."""

    name = "regex"

    def detect(self, text: str) -> list[PhiFinding]:
        found: list[PhiFinding] = []
        for m in DATE.finditer(text):
            labelled = DOB_LABEL.search(text[max(0, m.start() - 30) : m.start()])
            kind = "date_of_birth" if labelled else "date"
            found.append(PhiFinding(kind, m.start(), m.end(), m.group(), severe=bool(labelled)))
        for kind, pattern, severe in PATTERNS:
            for m in pattern.finditer(text):
                if any(f.start < m.end() and m.start() < f.end for f in found):
                    continue  # already covered (a date is not also a phone number)
                if kind == "phone" and not 7 <= sum(ch.isdigit() for ch in m.group()) <= 15:
                    continue
                found.append(PhiFinding(kind, m.start(), m.end(), m.group(), severe))
        return sorted(found, key=lambda f: f.start)
