"""Readers for the external catalogues the crosswalk compares against, read at run time only.

- SATRE v2 specification YAML (``specification:`` list with requirement_index, pillar,
  capability, statement, importance);
- TEHDAS2 draft SPE requirements CSV (columns id, group, first_keyword, text).

Their text is never written into this repository; it lives in memory while a report is made.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml

SATRE_MANDATORY = ("Mandatory", "Mandatory*")
TEHDAS2_MANDATORY = ("MUST", "MUST NOT")


class ExternalFormatError(ValueError):
    """An external catalogue file is not in the expected format."""


@dataclass(frozen=True)
class Statement:
    framework: str  # satre | tehdas2
    ref: str
    group: str  # SATRE pillar, TEHDAS2 group
    subgroup: str  # SATRE capability, TEHDAS2: empty
    text: str
    importance: str  # SATRE importance, TEHDAS2 first keyword

    @property
    def mandatory(self) -> bool:
        return self.importance in (SATRE_MANDATORY if self.framework == "satre"
                                   else TEHDAS2_MANDATORY)


def read_satre(path: Path) -> list[Statement]:
    """The statements of a SATRE specification YAML file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ExternalFormatError(f"{path}: malformed YAML: {exc}") from None
    items = data.get("specification") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ExternalFormatError(f"{path}: expected a mapping with a 'specification' list")
    out = []
    for number, item in enumerate(items, 1):
        missing = [k for k in ("requirement_index", "pillar", "capability", "statement",
                               "importance") if not isinstance(item, dict) or k not in item]
        if missing:
            raise ExternalFormatError(f"{path}: statement {number} lacks {', '.join(missing)}")
        out.append(Statement("satre", str(item["requirement_index"]), str(item["pillar"]),
                             str(item["capability"]), " ".join(str(item["statement"]).split()),
                             str(item["importance"])))
    return out


def read_tehdas2(path: Path) -> list[Statement]:
    """The rows of a TEHDAS2 SPE requirements CSV file."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "group", "first_keyword", "text"} - set(reader.fieldnames or ())
        if missing:
            raise ExternalFormatError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        return [Statement("tehdas2", row["id"].strip(), row["group"].strip(), "",
                          " ".join(row["text"].split()), row["first_keyword"].strip())
                for row in reader if row["id"].strip()]


def default_paths(shared_data_dir: Path) -> tuple[Path, Path]:
    """Where ../shared/data keeps the two files."""
    root = Path(shared_data_dir)
    return root / "satre" / "specification.yaml", root / "tehdas2" / "tehdas2-spe-requirements.csv"


def read_external(satre: Path | None, tehdas2: Path | None) -> dict[str, list[Statement]]:
    """Both catalogues; a path that is None or missing gives an empty list for that framework."""
    return {"satre": read_satre(satre) if satre and Path(satre).is_file() else [],
            "tehdas2": read_tehdas2(tehdas2) if tehdas2 and Path(tehdas2).is_file() else []}
