"""The checks the airlock runs: the built-ins, listed explicitly, and outside checks registered
under the entry-point group ``kimed.airlock_checks`` (each a subclass of ``base.Check``)."""

from __future__ import annotations

from importlib.metadata import entry_points

from kimed.spe.airlock.base import Check

GROUP = "kimed.airlock_checks"

#: Built-in checks as "module:Class", in the order they run.
BUILTINS: tuple[str, ...] = (
    "kimed.spe.airlock.checks.file_type:FileTypeCheck",
    "kimed.spe.airlock.checks.threshold:ThresholdCheck",
    "kimed.spe.airlock.checks.zeros:ZerosCheck",
    "kimed.spe.airlock.checks.missing:MissingValuesCheck",
    "kimed.spe.airlock.checks.dominance:DominanceCheck",
    "kimed.spe.airlock.checks.ppercent:PPercentCheck",
    "kimed.spe.airlock.checks.differencing:DifferencingCheck",
    "kimed.spe.airlock.checks.dof:DofCheck",
    "kimed.spe.airlock.checks.person_level:PersonLevelCheck",
    "kimed.spe.airlock.checks.phi_text:PhiTextCheck",
    "kimed.spe.airlock.checks.faces:FaceCheck",
)


def _load(spec: str) -> type[Check]:
    from importlib import import_module

    module, _, name = spec.partition(":")
    return getattr(import_module(module), name)


def builtin_checks() -> list[Check]:
    return [_load(spec)() for spec in BUILTINS]


def all_checks() -> list[Check]:
    """Built-ins first, then installed plugins; two checks may not share an id."""
    checks = builtin_checks()
    for ep in entry_points(group=GROUP):
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Check)):
            raise TypeError(f"entry point {ep.name} in {GROUP} is not a subclass of Check")
        checks.append(cls())
    ids = [c.id for c in checks]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"airlock check ids registered twice: {', '.join(duplicates)}")
    return checks
