"""The release package of an approved output request (SATRE 3.3.09).

Layout, as a directory or the same inside a zip file::

    files/<name>      the approved files, byte for byte
    release.json      the machine-readable record: request, files and digests, risk appetite,
                      every check result (rule, threshold, source, verdict, flagged cells without
                      their values), every decision with its justification, the review rules
    SHA256SUMS        digests of files/* and release.json, in ``sha256sum -c`` format

Before anything is written, each file is hashed again and must still match the digest that was
checked and approved.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kimed import __version__
from kimed.spe.airlock import review
from kimed.spe.airlock.appetite import RiskAppetite
from kimed.spe.airlock.errors import ReleaseError
from kimed.spe.airlock.outputs import sha256_of
from kimed.spe.airlock.request import OutputRequest

RECORD = "release.json"
SUMS = "SHA256SUMS"
FORMAT = "kimed-airlock-release/1"


def release_record(request: OutputRequest, appetite: RiskAppetite) -> dict[str, Any]:
    """The record of every check and decision behind a release (values of flagged cells left out)."""
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "tool": {"name": "kimed", "version": __version__},
        "request": {
            "id": request.id,
            "project": request.project,
            "requester": request.requester,
            "authors": list(request.authors),
            "purpose": request.purpose,
            "created_at": request.created_at.isoformat(),
        },
        "files": [f.model_dump(mode="json") for f in request.files],
        "risk_appetite": appetite.public(),
        "checks": [r.public() for r in request.results],
        "decisions": [d.model_dump(mode="json") for d in request.decisions],
        "review_rules": {
            "required_approvals": review.REQUIRED_APPROVALS,
            "self_review": "refused",
            "failed_check_override": "both approving checkers write a justification of at least "
            f"{review.MIN_JUSTIFICATION} characters",
            "satre": ["3.3.04", "3.3.05", "3.3.06", "3.3.07", "3.3.08", "3.3.09"],
        },
        "status": review.status(request).value,
    }


def _contents(request: OutputRequest, source_dir: Path, appetite: RiskAppetite) -> list[tuple[str, bytes]]:
    blockers = review.release_blockers(request)
    if blockers:
        raise ReleaseError(f"request {request.id} may not be released: {'; '.join(blockers)}")
    entries: list[tuple[str, bytes]] = []
    for f in request.files:
        path = source_dir / f.name
        if not path.is_file():
            raise ReleaseError(f"{f.name}: the approved file is missing from {source_dir}")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != f.sha256:
            raise ReleaseError(f"{f.name}: changed since it was checked (SHA-256 differs); request again")
        entries.append((f"files/{f.name}", data))
    record = json.dumps(release_record(request, appetite), indent=2, ensure_ascii=False).encode("utf-8")
    entries.append((RECORD, record + b"\n"))
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in entries)
    entries.append((SUMS, sums.encode("ascii")))
    return entries


def build_release(
    request: OutputRequest,
    source_dir: Path,
    destination: Path,
    appetite: RiskAppetite,
    as_zip: bool = False,
) -> Path:
    """Write the release package of an approved request; returns the directory or zip path."""
    entries = _contents(request, Path(source_dir), appetite)
    destination = Path(destination)
    if destination.exists():
        raise ReleaseError(f"{destination} exists already; a release is never overwritten")
    if as_zip:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
        destination.write_bytes(buffer.getvalue())
        return destination
    for name, data in entries:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return destination


def _read_package(path: Path) -> dict[str, bytes]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return {name: zf.read(name) for name in zf.namelist()}
    return {str(p.relative_to(path)).replace("\\", "/"): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def verify_release(path: Path) -> list[str]:
    """Problems found in a release package (empty when its checksums and record agree)."""
    contents = _read_package(Path(path))
    problems: list[str] = []
    if SUMS not in contents or RECORD not in contents:
        return [f"{SUMS} or {RECORD} is missing"]
    listed: dict[str, str] = {}
    for line in contents[SUMS].decode("ascii").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for name, data in contents.items():
        if name == SUMS:
            continue
        if name not in listed:
            problems.append(f"{name}: not listed in {SUMS}")
        elif hashlib.sha256(data).hexdigest() != listed[name]:
            problems.append(f"{name}: SHA-256 does not match {SUMS}")
    problems += [f"{name}: listed in {SUMS} but absent" for name in listed if name not in contents]
    record = json.loads(contents[RECORD])
    for f in record["files"]:
        data = contents.get(f"files/{f['name']}")
        if data is None or hashlib.sha256(data).hexdigest() != f["sha256"]:
            problems.append(f"files/{f['name']}: does not match the digest in {RECORD}")
    return problems


__all__ = ["build_release", "release_record", "verify_release", "sha256_of"]
