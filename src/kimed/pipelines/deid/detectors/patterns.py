"""Validated patterns: dates (German and English), phone and fax numbers, e-mail, URLs, postcodes, IDs.

Every numeric match is validated before it becomes a span: dates need a real day and month, phone
numbers a plausible length, postcodes a following city word, the KVNR its check digit
(:func:`kvnr_valid`), case numbers a context word such as ``Fallnr.`` or ``MRN``.
"""

from __future__ import annotations

import re

from kimed.pipelines.deid.corpus import Span
from kimed.pipelines.deid.detectors.base import Detector

_MONTHS_DE = (
    "Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    "Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez"
)
_MONTHS_EN = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_MONTHS_DE_FULL = (
    "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
)
_MONTH = rf"(?:{_MONTHS_DE}|{_MONTHS_EN})\.?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"

_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 12.03.2019, 12.3.19, 23.04 2029, 19.3. (a year after a space only with four digits)
    re.compile(
        r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})(?:\.\s?(?P<y>\d{4}|\d{2})|\s(?P<y2>\d{4})|\.)(?!\d)"
    ),
    # 12/03/2019, 6/7/1980 (day first, as in German and British usage)
    re.compile(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])"),
    # 2019-03-12 (ISO 8601)
    re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])"),
    # 3. März 2019, 3 March 2019, 3. März
    re.compile(rf"\b(?P<d>\d{{1,2}})\.?\s(?P<mn>{_MONTH})(?:\s(?P<y>{_YEAR}))?(?!\w)"),
    # March 3, 2019 / March 3rd 2019
    re.compile(rf"\b(?P<mn>{_MONTH})\s(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s(?P<y>{_YEAR})\b"),
    # März 2019, March 2019
    re.compile(rf"\b(?P<mn>{_MONTH})\s(?P<y>{_YEAR})\b"),
    # 03/2019, 4/2018, 02-04/2021 (month and year; a month range before the year)
    re.compile(rf"(?<![\d/.-])(?:\d{{1,2}}-)?(?P<m>\d{{1,2}})/(?P<y>{_YEAR})(?![\d/])"),
    # 6/29, 04/29 (month and two-digit year; not inside fractions or ratios)
    re.compile(
        r"(?<![\d/.,:-])(?P<m>0?[1-9]|1[0-2])/(?P<y>\d{2})(?![\d/.,:]|\s?(?:mg|ml|h|d|min)\b)"
    ),
    # August 27 (German: month name and two-digit year)
    re.compile(rf"\b(?P<mn>{_MONTHS_DE_FULL})\s(?P<y>\d{{2}})(?![\d.])"),
    # a year on its own, 1900-2099, not followed by a unit
    re.compile(
        r"(?<![\d.,/-])(?P<y>19\d\d|20\d\d)(?![\d.,]\d|\s?(?:mg|ml|g|µg|mcg|IE|I\.E\.|U|E|mmol|kcal|m|km)\b)"
    ),
    # a full month name on its own (not English "May"): im Oktober, in September
    re.compile(rf"\b(?:{_MONTHS_DE_FULL}|January|February|March|June|July|October|December)\b"),
)

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:)]", re.IGNORECASE)

_PHONE = re.compile(
    r"(?<![\w+/.,-])(?:\+\d{2,3}\s?(?:\(0\)\s?)?(?:\(\d{1,5}\)\s?)?\d|0[1-9])[\d]*"
    r"(?:(?:\s?[/-]\s?|\s)\d+){0,4}(?![\w.,]\d)"
)
_PHONE_CONTEXT = re.compile(
    r"(?:Tel(?:efon)?|Phone|Fon|Fax|Telefax|Handy|Mobil|Nummer|Rufnummer|Durchwahl|DW|unter|call|tel)"
    r"\.?\s*(?:Nr\.?)?\s*[:.]?\s*$",
    re.IGNORECASE,
)
_FAX_CONTEXT = re.compile(r"(?:Fax|Telefax)\.?\s*(?:Nr\.?)?\s*[:.]?\s*$", re.IGNORECASE)

_POSTCODE = re.compile(
    r"(?<![\w.,-])(?:(?:D|DE)-\d{5}|(?:A|CH)-\d{4}|\d{5})(?=[ \t]+[A-ZÄÖÜ][a-zäöüß]+(?![\wäöüß]))"
)
_ZIP_CUE = re.compile(r"(?:wohnhaft in|PLZ:?)\s+(?P<zip>(?:[A-Z]{1,2}-)?\d{4,5})\b")
_NOT_CITY = re.compile(
    r"[ \t]+(?:Einheiten|Zellen|Patienten|Fälle|Euro|Stück|Tabletten|Jahre|Tage|Uhr|Mal|IE|E)\b"
)

_KVNR = re.compile(r"\b[A-Z]\d{9}\b")
_CASE_ID = re.compile(
    r"\b(?:Fall-?\s?(?:nr|nummer|zahl)|Pat(?:ienten)?\.?-?\s?(?:Nr|ID|Nummer)|PIZ|MRN|Vorgangs-?\s?Nr|"
    r"E-Nr|SV-?\s?Nr|Versicherten-?\s?Nr|Aufnahme-?\s?Nr|Auftrags-?\s?Nr|Befund-?\s?Nr|Protokoll\s?Nr|"
    r"H-?Nr|Station|Zimmer|Zi|Room|Case\s?(?:No|Number)|Record\s?(?:No|Number)|Medical record number|"
    r"MR\s?#|SV)"
    r"\.?\s*[:#]?\s*(?P<id>[A-Z]{0,2}-?\d[\dA-Za-z/-]*[\dA-Za-z]|\d)(?![\w])",
    re.IGNORECASE,
)


def _date_valid(m: re.Match[str]) -> bool:
    groups = m.groupdict()
    if groups.get("d") is not None and not 1 <= int(groups["d"]) <= 31:
        return False
    if groups.get("m") is not None and not 1 <= int(groups["m"]) <= 12:
        return False
    year = groups.get("y")
    return year is None or len(year) != 4 or 1800 <= int(year) <= 2099


def find_dates(text: str) -> list[Span]:
    """Dates in German and English forms, each with a valid day and month."""
    out = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if _date_valid(m):
                out.append(Span(m.start(), m.end(), "DATE"))
    return out


def kvnr_valid(kvnr: str) -> bool:
    """Check digit of the German Krankenversichertennummer (unchangeable part, 10 characters).

    Source: GKV-Spitzenverband, "Richtlinien ... zur Vergabe der Krankenversichertennummer nach § 290
    SGB V" (Anlage 1, Prüfziffernberechnung). The letter becomes its two-digit position in the alphabet
    (A = 01 ... Z = 26); with the next eight digits this gives ten digits, weighted 1, 2, 1, 2, ...;
    a product above 9 is replaced by its cross sum; the sum of the products modulo 10 is the check digit,
    the tenth character.
    """
    if not re.fullmatch(r"[A-Z]\d{9}", kvnr):
        return False
    digits = f"{ord(kvnr[0]) - ord('A') + 1:02d}" + kvnr[1:9]
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (1 if i % 2 == 0 else 2)
        total += product // 10 + product % 10
    return total % 10 == int(kvnr[9])


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def find_phones(text: str) -> list[Span]:
    """Phone numbers (``CONTACT_PHONE``) and, after ``Fax``, fax numbers (``CONTACT_FAX``).

    A number starting with ``+`` needs 7 to 15 digits; one starting with ``0`` needs 6 to 15 digits
    and either a context word (Tel., Telefon, Handy, unter, ...) or a separator after the area code.
    """
    out = []
    for m in _PHONE.finditer(text):
        value = m.group().rstrip()
        n = _digits(value)
        before = text[max(0, m.start() - 25) : m.start()]
        has_context = bool(_PHONE_CONTEXT.search(before))
        if value.startswith("+"):
            ok = 7 <= n <= 15 or (has_context and n >= 5)
        else:
            shaped = re.match(r"0\d{2,5}(?:\s?[/-]\s?|\s)\d{3,}", value) is not None
            ok = 6 <= n <= 15 and (has_context or shaped) and not re.fullmatch(r"0\d{4}", value)
        if ok:
            label = "CONTACT_FAX" if _FAX_CONTEXT.search(before) else "CONTACT_PHONE"
            out.append(Span(m.start(), m.start() + len(value), label))
    return out


def find_postcodes(text: str) -> list[Span]:
    """Postcodes before a city word (German 5 digits, optionally ``D-``; ``A-``/``CH-`` and 4 digits),
    or after an address cue (``wohnhaft in``, ``PLZ``)."""
    out = [
        Span(m.start(), m.end(), "LOCATION_ZIP")
        for m in _POSTCODE.finditer(text)
        if not _NOT_CITY.match(text, m.end())
    ]
    out += [Span(m.start("zip"), m.end("zip"), "LOCATION_ZIP") for m in _ZIP_CUE.finditer(text)]
    return out


def find_ids(text: str) -> list[Span]:
    """KVNRs with a valid check digit, and case or record numbers after a context word."""
    out = [Span(m.start(), m.end(), "ID") for m in _KVNR.finditer(text) if kvnr_valid(m.group())]
    for m in _CASE_ID.finditer(text):
        value = m.group("id")
        if _digits(value) >= 1:
            out.append(Span(m.start("id"), m.end("id"), "ID"))
    return out


class PatternDetector(Detector):
    """Dates, contacts (phone, fax, e-mail, URL), postcodes and IDs by validated regular expressions."""

    name = "patterns"

    def detect(self, text: str) -> list[Span]:
        spans = find_dates(text) + find_phones(text) + find_postcodes(text) + find_ids(text)
        spans += [Span(m.start(), m.end(), "CONTACT_EMAIL") for m in _EMAIL.finditer(text)]
        spans += [Span(m.start(), m.end(), "CONTACT_URL") for m in _URL.finditer(text)]
        return spans
