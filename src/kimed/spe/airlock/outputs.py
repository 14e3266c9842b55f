"""An output file a job wrote, with its declared kind and how to read it."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kimed.spe.airlock.errors import AirlockInputError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".dcm", ".nii", ".nii.gz", ".mgz")
TEXT_SUFFIXES = (".txt", ".md", ".log", ".html", ".htm", ".tex", ".rst")


class OutputKind(StrEnum):
    """What an output is. Tables must be declared: a CSV alone does not say whether its cells
    are counts or sums."""

    FREQUENCY = "frequency"  # a table of counts of units
    MAGNITUDE = "magnitude"  # a table of sums of a variable over units
    REGRESSION = "regression"  # model results with residual degrees of freedom
    TEXT = "text"
    IMAGE = "image"
    FILE = "file"  # anything else

    @classmethod
    def parse(cls, value: str, file: str = "(request)") -> OutputKind:
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = ", ".join(k.value for k in cls)
            raise AirlockInputError(
                file, "kind", "declared output kind", f"unknown kind {value!r}; one of: {allowed}"
            ) from None


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".nii.gz" if name.endswith(".nii.gz") else path.suffix.lower()


def guess_kind(path: Path) -> OutputKind:
    """The kind of a file that was not declared, from its name (never a table kind)."""
    suffix = _suffix(path)
    if suffix in IMAGE_SUFFIXES:
        return OutputKind.IMAGE
    if suffix in TEXT_SUFFIXES:
        return OutputKind.TEXT
    return OutputKind.FILE


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


class OutputFile(BaseModel):
    """One file to check. ``contributions`` names the sidecar of a magnitude table (unit values,
    or per-cell statistics); unset, ``<stem>.contributions.csv`` or ``<stem>.stats.csv`` next to
    the table is used. ``structural_zeros`` lists cells (``row/column``) whose zero is known to be
    structural (impossible combinations), so the zeros check passes them."""

    model_config = ConfigDict(frozen=True)

    path: Path
    kind: OutputKind
    contributions: Path | None = None
    structural_zeros: tuple[str, ...] = ()
    total_labels: tuple[str, ...] = ("total", "totals", "all", "gesamt", "summe", "insgesamt")

    @classmethod
    def of(cls, path: Path | str, kind: OutputKind | str | None = None, **options) -> OutputFile:
        path = Path(path)
        if not path.is_file():
            raise AirlockInputError(str(path), "path", "an output is an existing file", "no such file")
        if kind is None:
            kind = guess_kind(path)
        elif isinstance(kind, str):
            kind = OutputKind.parse(kind, path.name)
        return cls(path=path, kind=kind, **options)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def suffix(self) -> str:
        return _suffix(self.path)

    def sidecar(self) -> Path | None:
        if self.contributions is not None:
            return self.contributions
        stem = self.path.name.rsplit(".", 1)[0]
        for name in (f"{stem}.contributions.csv", f"{stem}.stats.csv"):
            candidate = self.path.with_name(name)
            if candidate.is_file():
                return candidate
        return None

    def read_text(self) -> str | None:
        """The file as UTF-8 text, or None when it is not text."""
        data = self.path.read_bytes()
        if b"\x00" in data[:8192]:
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
