"""Context rules: a cue word before (or after) the PHI decides its label.

- titles and salutations before a name: Herr, Frau, Patient/in, Mr, Mrs, Ms -> NAME_PATIENT;
  Dr., Dr. med., Prof., PD -> NAME_DOCTOR (the title itself -> NAME_TITLE);
- "geb.", "geboren am", "*", "DOB", "born" before a date -> DATE;
- ages: "73-jährige", "73 Jahre", "73 y/o", "aged 73", "73-year-old" -> AGE (the number only,
  as in the GeMTeX guideline);
- Klinikum, Universitätsklinikum, Krankenhaus, Klinik, Spital, Praxis, Hospital followed by
  capitalised words -> LOCATION_HOSPITAL.
"""

from __future__ import annotations

import re

from kimed.pipelines.deid.corpus import Span
from kimed.pipelines.deid.detectors.base import Detector

_CAP = r"[A-ZÄÖÜ][a-zäöüßéè]+(?:-[A-ZÄÖÜ][a-zäöüßéè]+)*"
_INITIAL = r"[A-ZÄÖÜ]\."
_NAME = rf"(?:{_CAP}|{_INITIAL})(?:[ ](?:{_CAP}|{_INITIAL}))*"
_NOT_NAME = frozenset(
    {
        "Dr", "Prof", "Doktor", "Kollege", "Kollegin", "Patient", "Patientin", "Herr", "Frau",
        "Der", "Die", "Das", "Sie", "Er", "Ihr", "Ihre", "Ihnen", "Mit", "Bei", "Nach", "Am", "Im",
        "The", "He", "She", "His", "Her", "Was", "Is", "Has", "And",
    }
)  # fmt: skip

_DOCTOR_TITLE = re.compile(
    r"(?<![\w.])(?P<title>(?:(?:Priv\.-Doz\.|PD|Prof\.|OA|OÄ|CA)\s*)*(?:Drs?\.\s?(?:med\.\s?(?:dent\.\s?)?)?"
    r"(?:univ\.\s?)?)+|Prof\.\s?)[ \t]*(?P<name>" + _NAME + ")"
)
_PATIENT_TITLE = re.compile(
    r"(?<![\w.])(?:Herrn?|Frau|Fr\.|Hr\.|Patientin|Patient|Pat\.|Mrs?\.?|Ms\.?|Miss)[ \t\n]+(?P<name>"
    + _NAME
    + ")"
)
_BIRTH_DATE = re.compile(
    r"(?:\bgeb(?:oren)?\.?\s*(?:am)?|\bDOB|\bdate of birth|\bborn(?: on)?|\*)\s*[:.]?\s*"
    r"(?P<date>\d{1,2}[./]\s?\d{1,2}[./]\s?(?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})(?!\d)",
    re.IGNORECASE,
)
_AGES: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"(?<![\d.,])(?P<age>\d{1,3})\s?-?\s?(?:jährig\w*|jahrig\w*|jähr\w*|j\.(?=\s*(?:Pat|alt)))",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![\d.,])(?P<age>\d{1,3})\s(?:Jahre\b(?!\s(?:lang|später|zuvor|nach|vor|her))|Jahren?\salt)"
    ),
    re.compile(r"\b(?:im\s)?Alter\s(?:von\s)?(?P<age>\d{1,3})\b"),
    re.compile(r"\bmit\s(?P<age>\d{1,3})\s(?:Jahren\s)?(?:an|verstorben|gestorben)\b"),
    re.compile(
        r"(?<![\d.,])(?P<age>\d{1,3})\s?(?:y/o|yo|y\.o\.|-?year-old|years?\sold)\b", re.IGNORECASE
    ),
    re.compile(r"\b(?:aged?)\s(?P<age>\d{1,3})\b", re.IGNORECASE),
)
_HOSPITAL = re.compile(
    r"(?<![\w-])(?P<kw>(?:Universitäts|Landes|Kreis|Stadt|Rehabilitations)?[Kk]linikum|Universitätsklinik|"
    r"Uni-?[Kk]linik|[\wÄÖÜäöüß-]*[Kk]rankenhaus(?:es)?|[\wÄÖÜäöüß-]*Spital|Klinik|Praxis|Hospital|"
    r"Medical Center)"
    r"(?P<rest>(?:[ \t]+(?:der|des|am|im|an der|St\.|Sankt|Dr\.)?[ \t]*" + _CAP + r")+)"
)
_HOSPITAL_STOP = frozenset(
    {"Aufnahme", "Entlassung", "Befund", "Therapie", "Diagnose", "Station", "Patient"}
)


def _name_span(m: re.Match[str], label: str) -> Span | None:
    name = m.group("name")
    words = name.split(" ")
    keep = []
    for word in words:
        if word.rstrip(".") in _NOT_NAME:
            break
        keep.append(word)
    if not keep or (len(keep) == 1 and len(keep[0]) <= 2 and not keep[0].endswith(".")):
        return None
    start = m.start("name")
    return Span(start, start + len(" ".join(keep)), label)


def find_names(text: str) -> list[Span]:
    """Names after a doctor's title (NAME_DOCTOR, title NAME_TITLE) or a salutation (NAME_PATIENT)."""
    out = []
    for m in _DOCTOR_TITLE.finditer(text):
        span = _name_span(m, "NAME_DOCTOR")
        if span:
            out.append(span)
            title = m.group("title").rstrip()
            out.append(Span(m.start("title"), m.start("title") + len(title), "NAME_TITLE"))
    for m in _PATIENT_TITLE.finditer(text):
        span = _name_span(m, "NAME_PATIENT")
        if span:
            out.append(span)
    return out


def find_birth_dates(text: str) -> list[Span]:
    """A date after ``geb.``, ``geboren am``, ``*``, ``DOB`` or ``born``."""
    return [Span(m.start("date"), m.end("date"), "DATE") for m in _BIRTH_DATE.finditer(text)]


def find_ages(text: str) -> list[Span]:
    """Ages from 0 to 125 in German and English phrasings; the span is the number."""
    out = []
    for pattern in _AGES:
        for m in pattern.finditer(text):
            if int(m.group("age")) <= 125:
                out.append(Span(m.start("age"), m.end("age"), "AGE"))
    return out


def find_hospitals(text: str) -> list[Span]:
    """A hospital keyword followed by at least one capitalised word: ``Klinikum Neustadt``."""
    out = []
    for m in _HOSPITAL.finditer(text):
        rest = m.group("rest")
        words = re.findall(r"\S+", rest)
        if words and words[0] in _HOSPITAL_STOP:
            continue
        out.append(Span(m.start(), m.end(), "LOCATION_HOSPITAL"))
    return out


class ContextDetector(Detector):
    """Names after titles, dates after birth cues, ages, and hospital names after their keywords."""

    name = "context"

    def detect(self, text: str) -> list[Span]:
        return find_names(text) + find_birth_dates(text) + find_ages(text) + find_hospitals(text)
