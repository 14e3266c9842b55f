"""The Pipeline contract and the registry of pipelines.

A pipeline is a class with a ``name``, a ``version``, a description of what it reads, what it
writes and which parameters it takes, and a ``run`` method::

    run(inputs: Path, output: Path, params: dict, progress: ProgressFn) -> None

``inputs`` is a directory the pipeline may only read, ``output`` the one directory it may write.
``progress(fraction, message)`` reports how far it is (``fraction`` in 0..1, or ``None``). Logging
goes through the standard :mod:`logging` module or plain ``print``. A pipeline knows nothing of the
SPE; the SPE runs it through this contract (see ``kimed.spe.jobrunner``).

The registry knows pipelines by name. Built-ins are an explicit list (:data:`BUILTINS`); outside
plugins register through the entry point group ``kimed.pipelines`` (``name = "module:Class"``).
Entry points are read lazily, on the first lookup, never at import. The registry keeps import
references (``"module:Class"``), so the SPE can hand a pipeline to a sandboxed process by reference.
"""

from __future__ import annotations

import importlib
import logging
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "kimed.pipelines"

#: Our own pipelines, by name: import references, loaded only when used.
BUILTINS: dict[str, str] = {
    "row-count": "kimed.pipelines.rowcount:RowCount",
    "cohort-count": "kimed.pipelines.cohort_count:CohortCount",
}


class ProgressFn(Protocol):
    def __call__(self, fraction: float | None = None, message: str = "") -> None: ...


@dataclass(frozen=True)
class Port:
    """One thing a pipeline reads or writes: a file pattern inside inputs/ or output/."""

    name: str
    pattern: str
    description: str = ""


@dataclass(frozen=True)
class Param:
    """One parameter: its name, type (str, int, float, bool, list), default and meaning."""

    name: str
    type: type
    default: Any = None
    description: str = ""
    required: bool = False


class PipelineError(Exception):
    """A pipeline could not be found, loaded or given these parameters."""


class Pipeline(ABC):
    """Base class of every pipeline. Subclasses set the class attributes and implement ``run``."""

    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str] = ""
    inputs: ClassVar[tuple[Port, ...]] = ()
    outputs: ClassVar[tuple[Port, ...]] = ()
    parameters: ClassVar[tuple[Param, ...]] = ()

    @abstractmethod
    def run(self, inputs: Path, output: Path, params: dict[str, Any],
            progress: ProgressFn) -> None:
        """Read ``inputs``, write results into ``output``, report through ``progress``."""

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The pipeline's self-description, as plain data (for the UI, the API and audit)."""
        return {
            "name": cls.name,
            "version": cls.version,
            "description": cls.description,
            "inputs": [asdict(p) for p in cls.inputs],
            "outputs": [asdict(p) for p in cls.outputs],
            "parameters": [{**asdict(p), "type": p.type.__name__} for p in cls.parameters],
        }

    @classmethod
    def check_params(cls, params: dict[str, Any] | None) -> dict[str, Any]:
        """Return ``params`` with defaults filled in; raise PipelineError naming a bad one."""
        params = dict(params or {})
        known = {p.name: p for p in cls.parameters}
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise PipelineError(f"pipeline {cls.name!r} has no parameter(s) {', '.join(unknown)};"
                                f" it takes: {', '.join(known) or 'none'}")
        out: dict[str, Any] = {}
        for name, p in known.items():
            if name not in params:
                if p.required:
                    raise PipelineError(f"pipeline {cls.name!r}: parameter {name!r} is required")
                out[name] = p.default
                continue
            value = params[name]
            if p.type is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, p.type) or (p.type is int and isinstance(value, bool)):
                raise PipelineError(f"pipeline {cls.name!r}: parameter {name!r} must be "
                                    f"{p.type.__name__}, got {type(value).__name__}")
            out[name] = value
        return out


def reference(cls: type[Pipeline]) -> str:
    """The import reference ``module:Class`` of a pipeline class."""
    return f"{cls.__module__}:{cls.__qualname__}"


def load_reference(ref: str) -> type[Pipeline]:
    """Import ``module:Class`` and check that it is a Pipeline."""
    module_name, _, attr = ref.partition(":")
    if not module_name or not attr:
        raise PipelineError(f"{ref!r} is not an import reference of the form module:Class")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise PipelineError(f"cannot load pipeline {ref!r}: {exc}") from exc
    if not (isinstance(obj, type) and issubclass(obj, Pipeline)):
        raise PipelineError(f"{ref!r} is not a subclass of kimed.pipelines.base.Pipeline")
    return obj


class Registry:
    """Pipelines by name: the built-ins, entry points (read on first use), and registrations."""

    def __init__(self, builtins: dict[str, str] | None = None,
                 group: str = ENTRY_POINT_GROUP) -> None:
        self._refs: dict[str, str] = dict(BUILTINS if builtins is None else builtins)
        self._builtin_names = set(self._refs)
        self._group = group
        self._entry_points_read = False

    def _read_entry_points(self) -> None:
        if self._entry_points_read:
            return
        self._entry_points_read = True
        from importlib.metadata import entry_points

        for ep in entry_points(group=self._group):
            if ep.name in self._builtin_names:
                log.warning("entry point %s=%s ignored: %r is a built-in pipeline",
                            ep.name, ep.value, ep.name)
                continue
            self._refs.setdefault(ep.name, ep.value)

    def register(self, target: type[Pipeline] | str, name: str | None = None) -> str:
        """Add a pipeline class (or ``module:Class`` reference); return its name."""
        ref = target if isinstance(target, str) else reference(target)
        if name is None:
            name = (load_reference(ref) if isinstance(target, str) else target).name
        self._refs[name] = ref
        return name

    def unregister(self, name: str) -> None:
        self._refs.pop(name, None)

    def names(self) -> list[str]:
        self._read_entry_points()
        return sorted(self._refs)

    def ref(self, name: str) -> str:
        """The import reference of pipeline ``name``; PipelineError names the known ones."""
        if name not in self._refs:
            self._read_entry_points()
        try:
            return self._refs[name]
        except KeyError:
            raise PipelineError(f"no pipeline named {name!r}; known: "
                                f"{', '.join(self.names())}") from None

    def get(self, name: str) -> type[Pipeline]:
        cls = load_reference(self.ref(name))
        if cls.name != name:
            raise PipelineError(f"{self.ref(name)} calls itself {cls.name!r}, not {name!r}")
        return cls


#: The process-wide registry. Creating it reads nothing.
registry = Registry()
