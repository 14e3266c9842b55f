"""The purposes for which a health data access body may grant access to electronic health data for
secondary use: Regulation (EU) 2025/327 (European Health Data Space), Article 53(1), points (a) to
(f), with the two activities that point (e) names explicitly. Labels are our short paraphrases;
the Official Journal text is authoritative (ELI http://data.europa.eu/eli/reg/2025/327/oj).

Note: the Commission's 2022 proposal (COM(2022) 197, Article 34(1)) listed eight points (a)-(h);
the adopted Regulation merged them into six, moving product development and algorithm training
under scientific research (point (e)).
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "Regulation (EU) 2025/327, Art. 53(1)"
EHDS_ELI = "http://data.europa.eu/eli/reg/2025/327/oj"


@dataclass(frozen=True)
class Purpose:
    code: str
    point: str
    en: str
    de: str
    words: tuple[str, ...]
    """Lower-case word stems that name this purpose in a dataset's free-text purpose."""
    parent: str | None = None

    def label(self, lang: str = "en") -> str:
        return self.de if lang == "de" else self.en


PURPOSES: tuple[Purpose, ...] = (
    Purpose("a", "(a)", "Public interest in public or occupational health",
            "Öffentliches Interesse im Bereich der öffentlichen Gesundheit oder Arbeitsmedizin",
            ("public health", "occupational health", "surveillance", "patient safety",
             "öffentliche gesundheit", "gesundheitsschutz", "arbeitsmedizin",
             "patientensicherheit")),
    Purpose("b", "(b)", "Policy-making and regulatory activities of public sector bodies",
            "Politikgestaltung und Regulierung durch öffentliche Stellen",
            ("policy", "planning", "regulatory", "planung", "politik", "steuerung",
             "regulierung")),
    Purpose("c", "(c)", "Official statistics on health or care",
            "Amtliche Statistik zu Gesundheit oder Pflege", ("statistic", "statistik")),
    Purpose("d", "(d)", "Education or teaching in health or care (vocational or higher education)",
            "Aus- oder Weiterbildung und Lehre in Gesundheit oder Pflege",
            ("education", "teaching", "lehre", "ausbildung")),
    Purpose("e", "(e)", "Scientific research related to health or care",
            "Wissenschaftliche Forschung im Gesundheits- oder Pflegebereich",
            ("research", "forschung", "wissenschaft")),
    Purpose("e-i", "(e)(i)", "Research: development and innovation of products or services",
            "Forschung: Entwicklung und Innovation von Produkten oder Diensten",
            ("innovation", "product development", "produktentwicklung"), parent="e"),
    Purpose("e-ii", "(e)(ii)", "Research: training, testing and evaluating algorithms (incl. AI)",
            "Forschung: Training, Test und Bewertung von Algorithmen (auch KI)",
            ("algorithm", "machine learning", "artificial intelligence", "algorithmen", " ki "),
            parent="e"),
    Purpose("f", "(f)", "Improving the delivery of care, treatment and provision of healthcare",
            "Verbesserung der Versorgung, der Behandlung und der Gesundheitsleistungen",
            ("delivery of care", "provision of healthcare", "treatment", "versorgung",
             "behandlung")),
)

_BY_CODE = {p.code: p for p in PURPOSES}


def purpose(code: str) -> Purpose:
    """The purpose with this code (``a``-``f``, ``e-i``, ``e-ii``); KeyError otherwise."""
    return _BY_CODE[code]


def codes() -> list[str]:
    return [p.code for p in PURPOSES]


def purposes_in_text(text: str) -> set[str]:
    """The purpose codes whose words occur in a free-text purpose statement."""
    lowered = f" {text.lower()} "
    found = {p.code for p in PURPOSES if any(word in lowered for word in p.words)}
    found |= {_BY_CODE[c].parent for c in found if _BY_CODE[c].parent}
    return found
