"""Errors of the airlock: each names the file, the field and the rule that was broken."""

from __future__ import annotations


class AirlockError(Exception):
    """Base of every airlock error."""


class AirlockInputError(AirlockError, ValueError):
    """An output, sidecar or configuration file cannot be read as declared."""

    def __init__(self, file: str, field: str, rule: str, detail: str) -> None:
        self.file = str(file)
        self.field = field
        self.rule = rule
        self.detail = detail
        super().__init__(f"{self.file}: field {field}: {detail} (rule: {rule})")


class ReviewError(AirlockError):
    """A review decision that the review rules refuse (for example a self-review)."""

    def __init__(self, rule: str, detail: str) -> None:
        self.rule = rule
        self.detail = detail
        super().__init__(f"{detail} (rule: {rule})")


class ReleaseError(AirlockError):
    """A release package was asked for a request that may not be released."""
