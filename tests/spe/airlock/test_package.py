"""The release package: approved files, SHA-256 checksums that verify, and the decision record."""

import hashlib
import json
import subprocess
import zipfile

import pytest

from kimed.spe.airlock.appetite import load_risk_appetite
from kimed.spe.airlock.errors import ReleaseError
from kimed.spe.airlock.package import build_release, verify_release
from kimed.spe.airlock.request import Decision, Outcome
from kimed.spe.airlock.review import decide

from .test_review import SAFE, checked_request


def approved(tmp_path):
    request = checked_request(tmp_path)
    for who in ("carol", "dave"):
        request = decide(request, Decision(reviewer=who, outcome=Outcome.APPROVE))
    return request


def test_directory_package_holds_files_checksums_and_record(tmp_path):
    request = approved(tmp_path)
    out = build_release(request, tmp_path, tmp_path / "release", load_risk_appetite())
    assert (out / "files" / "table.csv").read_text(encoding="utf-8") == SAFE
    sums = (out / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    assert f"{hashlib.sha256(SAFE.encode()).hexdigest()}  files/table.csv" in sums
    assert any(line.endswith("  release.json") for line in sums)
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    record = json.loads((out / "release.json").read_text(encoding="utf-8"))
    assert record["status"] == "approved"
    assert [d["reviewer"] for d in record["decisions"]] == ["carol", "dave"]
    assert {c["check"] for c in record["checks"]} >= {"threshold", "zeros", "differencing"}
    assert record["risk_appetite"]["threshold"] == 10
    assert "3.3.09" in record["review_rules"]["satre"]
    assert verify_release(out) == []


def test_zip_package_verifies_and_tampering_is_found(tmp_path):
    path = build_release(approved(tmp_path), tmp_path, tmp_path / "release.zip", load_risk_appetite(), as_zip=True)
    assert verify_release(path) == []
    with zipfile.ZipFile(path) as zf:
        contents = {n: zf.read(n) for n in zf.namelist()}
    assert set(contents) == {"files/table.csv", "release.json", "SHA256SUMS"}
    contents["files/table.csv"] = contents["files/table.csv"].replace(b"12", b"13")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
    problems = verify_release(tampered)
    assert "files/table.csv: SHA-256 does not match SHA256SUMS" in problems


def test_unapproved_request_gets_no_package(tmp_path):
    request = decide(checked_request(tmp_path), Decision(reviewer="carol", outcome=Outcome.APPROVE))
    with pytest.raises(ReleaseError, match="1 of 2 approvals"):
        build_release(request, tmp_path, tmp_path / "release", load_risk_appetite())
    assert not (tmp_path / "release").exists()


def test_file_changed_after_checking_is_refused(tmp_path):
    request = approved(tmp_path)
    (tmp_path / "table.csv").write_text(SAFE.replace("12", "2"), encoding="utf-8")
    with pytest.raises(ReleaseError, match="changed since it was checked"):
        build_release(request, tmp_path, tmp_path / "release", load_risk_appetite())


def test_existing_release_is_not_overwritten(tmp_path):
    (tmp_path / "release").mkdir()
    with pytest.raises(ReleaseError, match="never overwritten"):
        build_release(approved(tmp_path), tmp_path, tmp_path / "release", load_risk_appetite())
