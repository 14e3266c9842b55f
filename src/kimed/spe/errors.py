"""The error every SPE governance rule raises: it names the field, the rule and its source."""

from __future__ import annotations

EHDS = "Regulation (EU) 2025/327 (EHDS)"


class SpeError(ValueError):
    """Input or an action broke an SPE rule.

    ``field`` is the input or object concerned, ``rule`` what it must be, and ``source`` where the
    rule comes from (an EHDS article, or one of our requirement ids), so that a refusal can be
    traced to the text that demands it.
    """

    def __init__(self, field: str, rule: str, source: str = "") -> None:
        message = f"{field}: {rule}"
        if source:
            message += f" — {source}"
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.source = source


class NotFound(SpeError):
    """The named object does not exist."""


class Forbidden(SpeError):
    """The actor lacks the role or the standing to do this."""
