"""Detecting unmodified faces in images (photographs, or head MRI that can be rendered as a face).

``FaceDetector`` is the interface. KIMed ships no detector: the MRI defacing demonstrator
(``kimed.pipelines.deface``) will provide one, registered under the entry-point group
``kimed.face_detectors``. Without one the image check answers ``review``, never ``pass``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

GROUP = "kimed.face_detectors"


@dataclass(frozen=True)
class FaceFinding:
    """A face found in an image; ``where`` is a slice, frame or bounding box, as the detector says."""

    where: str
    score: float


class FaceDetector(ABC):
    """Finds unmodified faces in an image file."""

    name: str = "face-detector"

    @abstractmethod
    def supports(self, path: Path) -> bool:
        """Whether this detector can read the file's format."""

    @abstractmethod
    def detect(self, path: Path) -> list[FaceFinding]:
        """Faces found; an empty list means none found."""


def installed_face_detector() -> FaceDetector | None:
    """The first detector registered under ``kimed.face_detectors``, or None."""
    for ep in entry_points(group=GROUP):
        detector = ep.load()()
        if isinstance(detector, FaceDetector):
            return detector
    return None
