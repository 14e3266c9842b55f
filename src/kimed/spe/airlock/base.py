"""The one base class of every disclosure check, and what a check is given to work with."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from kimed.spe.airlock.appetite import RiskAppetite
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import Cell, CheckResult, Rule, Verdict

if TYPE_CHECKING:
    from kimed.spe.airlock.contributions import CellStats
    from kimed.spe.airlock.detectors.faces import FaceDetector
    from kimed.spe.airlock.detectors.phi import PhiDetector
    from kimed.spe.airlock.tables import Table

#: Short citations used by the built-in rules.
HUNDEPOOL = "Hundepool et al., Statistical Disclosure Control (Wiley, 2012)"
SDC_HANDBOOK = "SDAP, Handbook on Statistical Disclosure Control for Outputs (2019)"
ACRO = "ACRO 1.0.1 default.yaml (SACRO, MIT)"


@dataclass
class CheckContext:
    """The risk appetite and detectors for one run of checks, with per-file caches."""

    appetite: RiskAppetite
    phi_detector: PhiDetector | None = None
    face_detector: FaceDetector | None = None
    _tables: dict[str, Any] = field(default_factory=dict)
    _stats: dict[str, Any] = field(default_factory=dict)

    def table(self, output: OutputFile) -> Table:
        from kimed.spe.airlock.tables import read_table

        key = str(output.path)
        if key not in self._tables:
            self._tables[key] = read_table(output)
        return self._tables[key]

    def contributions(self, output: OutputFile) -> dict[tuple[int, int], CellStats]:
        from kimed.spe.airlock.contributions import read_contributions

        key = str(output.path)
        if key not in self._stats:
            self._stats[key] = read_contributions(output, self.table(output))
        return self._stats[key]


class Check(ABC):
    """A disclosure-control check. Subclasses set ``id``, ``kinds`` and implement ``run``.

    Built-ins are listed in :mod:`kimed.spe.airlock.registry`; outside checks register through
    the entry-point group ``kimed.airlock_checks`` and subclass this same class.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    kinds: ClassVar[frozenset[OutputKind]]

    def applies(self, output: OutputFile) -> bool:
        return output.kind in self.kinds

    @abstractmethod
    def rule(self, ctx: CheckContext) -> Rule:
        """The rule with the parameters it applies under this risk appetite."""

    @abstractmethod
    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        """Check one file; raise AirlockInputError when it cannot be read as declared."""

    def result(
        self,
        output: OutputFile,
        ctx: CheckContext,
        verdict: Verdict,
        message: str,
        cells: list[Cell] | None = None,
    ) -> CheckResult:
        return CheckResult(
            check=self.id,
            file=output.name,
            verdict=verdict,
            rule=self.rule(ctx),
            message=message,
            cells=cells or [],
        )


def cell_at(table: Table, pos: tuple[int, int], value: Any, reason: str) -> Cell:
    row, column = table.label(pos)
    return Cell(row=row, column=column, value=value, reason=reason)


def listing(cells: list[Cell], limit: int = 5) -> str:
    shown = ", ".join(c.where() if (c.row or c.column) else c.reason for c in cells[:limit])
    return shown + (f" and {len(cells) - limit} more" if len(cells) > limit else "")
