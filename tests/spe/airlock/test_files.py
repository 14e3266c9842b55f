"""Images, blocked and binary files, and bad inputs that must name file, field and rule."""

from pathlib import Path

import pytest

from kimed.spe.airlock.appetite import load_risk_appetite
from kimed.spe.airlock.base import CheckContext
from kimed.spe.airlock.detectors.faces import FaceDetector, FaceFinding
from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.outputs import OutputFile
from kimed.spe.airlock.runner import check_output
from kimed.spe.airlock.verdict import Verdict

from .conftest import results

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class ListDetector(FaceDetector):
    """A test double: answers the faces it was given (no detection is claimed)."""

    name = "test-list"

    def __init__(self, faces: list[FaceFinding]):
        self.faces = faces

    def supports(self, path: Path) -> bool:
        return path.suffix == ".png"

    def detect(self, path: Path) -> list[FaceFinding]:
        return self.faces


def test_image_without_face_detector_is_review_not_pass(write, appetite):
    r = results(write("brain.png", PNG), None, appetite)["faces"]
    assert r.verdict is Verdict.REVIEW
    assert "no face detector" in r.message


def test_image_with_a_detector_follows_its_answer(write, appetite):
    path = write("brain.png", PNG)
    found = results(path, None, appetite, face_detector=ListDetector([FaceFinding("slice 40", 0.97)]))
    assert found["faces"].verdict is Verdict.FAIL and found["faces"].cells[0].row == "slice 40"
    none = results(path, None, appetite, face_detector=ListDetector([]))
    assert none["faces"].verdict is Verdict.PASS


def test_detector_that_cannot_read_the_format_gives_review(write, appetite):
    r = results(write("head.nii.gz", b"\x1f\x8b" + b"\x00" * 20), None, appetite, face_detector=ListDetector([]))
    assert r["faces"].verdict is Verdict.REVIEW


def test_blocked_extension_fails(write, appetite):
    r = results(write("plot.svg", "<svg/>"), None, appetite)["file-type"]
    assert r.verdict is Verdict.FAIL and ".svg" in r.message


def test_binary_file_goes_to_review(write, appetite):
    r = results(write("weights.bin", b"\x00\x01\x02" * 10), None, appetite)["file-type"]
    assert r.verdict is Verdict.REVIEW


def _error(write, name, text, kind) -> AirlockInputError:
    with pytest.raises(AirlockInputError) as err:
        check_output(OutputFile.of(write(name, text), kind), CheckContext(load_risk_appetite()))
    return err.value


def test_malformed_csv(write):
    err = _error(write, "t.csv", 'g,a\nx,"12\n', "frequency")
    assert (err.file, err.field) == ("t.csv", "(csv)") and "RFC 4180" in err.rule


def test_unknown_table_kind(write):
    err = _error(write, "t.csv", "g,a\nx,12\n", "histogram")
    assert (err.file, err.field) == ("t.csv", "kind") and "histogram" in str(err)


def test_negative_count(write):
    err = _error(write, "t.csv", "g,a,b\nx,12,-3\n", "frequency")
    assert err.file == "t.csv" and err.field == "row 'x', column 'b'"
    assert err.rule == "counts are non-negative integers"


def test_fractional_count(write):
    err = _error(write, "t.csv", "g,a\nx,2.5\n", "frequency")
    assert err.field == "row 'x', column 'a'" and "not a count" in err.detail


def test_ragged_row_names_the_line(write):
    err = _error(write, "t.csv", "g,a,b\nx,12,13\ny,11\n", "frequency")
    assert err.field == "line 3" and "as many fields" in err.rule


def test_missing_file():
    with pytest.raises(AirlockInputError) as err:
        OutputFile.of("/nonexistent/table.csv", "frequency")
    assert err.value.field == "path"
