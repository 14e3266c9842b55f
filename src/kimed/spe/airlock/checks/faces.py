"""Images of unmodified faces. With a ``FaceDetector``: a face found fails, none found passes.
Without one the answer is ``review`` with that reason, never ``pass``: an image nobody could check
automatically must be looked at by the output checkers (SATRE 3.3.07).
Source: GDPR Art. 4(14) (facial images as biometric data); SATRE 3.3.07.
"""

from __future__ import annotations

from kimed.spe.airlock.base import Check, CheckContext
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import Cell, CheckResult, Rule, Verdict


class FaceCheck(Check):
    id = "faces"
    title = "Images of unmodified faces"
    kinds = frozenset({OutputKind.IMAGE})

    def rule(self, ctx: CheckContext) -> Rule:
        detector = ctx.face_detector
        return Rule(
            id="faces",
            name="no unmodified faces in images",
            parameters={"detector": detector.name if detector else None},
            source="GDPR Art. 4(14); SATRE 3.3.07",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        detector = ctx.face_detector
        if detector is None:
            return self.result(
                output, ctx, Verdict.REVIEW,
                "no face detector is installed, so faces were not checked; a person must look at the image",
            )
        if not detector.supports(output.path):
            return self.result(
                output, ctx, Verdict.REVIEW,
                f"face detector {detector.name!r} cannot read {output.suffix or 'this format'}; look at it by hand",
            )
        faces = detector.detect(output.path)
        if faces:
            cells = [Cell(row=f.where, value=f.score, reason="face found") for f in faces]
            return self.result(output, ctx, Verdict.FAIL, f"{len(faces)} face(s) found by {detector.name!r}", cells)
        return self.result(output, ctx, Verdict.PASS, f"face detector {detector.name!r} found no face")
