"""The review rules of the airlock (pure logic).

1. Automated checks come first: a decision is refused until every requested file has check
   results for exactly its SHA-256 (SATRE 3.3.08: semi-automated, people in the loop).
2. No one reviews their own output: the requester and the request's authors are refused
   (SATRE 3.3.05: responsibility for output checking lies with output checkers).
3. Two independent checkers: each reviewer decides once; release needs approvals from two
   different people. An automated pass never releases anything by itself.
4. One rejection rejects the request. A rejection must say why.
5. A failed check blocks release. It can be overridden only when *both* approving checkers write a
   justification of at least ``MIN_JUSTIFICATION`` characters; the justification is kept in the
   release record (SATRE 3.3.04: a documented process; 3.3.06: a statistical basis for decisions;
   3.3.09: a record of every criterion applied).
6. Once approved or rejected, a request takes no more decisions.
"""

from __future__ import annotations

from enum import StrEnum

from kimed.spe.airlock.errors import ReviewError
from kimed.spe.airlock.request import Decision, Outcome, OutputRequest

REQUIRED_APPROVALS = 2
MIN_JUSTIFICATION = 20


class Status(StrEnum):
    AWAITING_CHECKS = "awaiting_checks"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"


def checks_complete(request: OutputRequest) -> bool:
    """Every requested file has results, and every result belongs to a requested file's digest."""
    digests = {f.name: f.sha256 for f in request.files}
    checked = {r.file for r in request.results}
    if checked != set(digests):
        return False
    return all(r.sha256 == digests[r.file] for r in request.results)


def valid_approvers(request: OutputRequest) -> set[str]:
    """Approvers that count, re-checked here so a request built by hand cannot bypass the rules."""
    failed = bool(request.failed())
    own = {request.requester, *request.authors}
    return {
        d.reviewer
        for d in request.decisions
        if d.outcome is Outcome.APPROVE
        and d.reviewer not in own
        and (not failed or len(d.justification.strip()) >= MIN_JUSTIFICATION)
    }


def status(request: OutputRequest) -> Status:
    if not checks_complete(request):
        return Status.AWAITING_CHECKS
    if any(d.outcome is Outcome.REJECT for d in request.decisions):
        return Status.REJECTED
    if len(valid_approvers(request)) >= REQUIRED_APPROVALS:
        return Status.APPROVED
    return Status.IN_REVIEW


def decide(
    request: OutputRequest, decision: Decision, checkers: set[str] | None = None
) -> OutputRequest:
    """The request with ``decision`` added, or ReviewError naming the rule it breaks.

    ``checkers``, when given, is the set of people holding the output-checker role.
    """
    who = decision.reviewer
    if who == request.requester or who in request.authors:
        raise ReviewError(
            "no self-review (SATRE 3.3.05)",
            f"{who} requested or produced this output and cannot review it",
        )
    if checkers is not None and who not in checkers:
        raise ReviewError("reviewers are output checkers (SATRE 3.3.05)", f"{who} is not an output checker")
    current = status(request)
    if current is Status.AWAITING_CHECKS:
        raise ReviewError(
            "automated checks first (SATRE 3.3.08)",
            "the requested files have no check results for their current SHA-256",
        )
    if current in (Status.APPROVED, Status.REJECTED):
        raise ReviewError("a decided request is closed", f"request {request.id} is already {current}")
    if any(d.reviewer == who for d in request.decisions):
        raise ReviewError("two independent checkers", f"{who} has already decided on this request")
    text = decision.justification.strip()
    if decision.outcome is Outcome.REJECT and not text:
        raise ReviewError("a rejection says why", "justification is empty")
    failed = request.failed()
    if decision.outcome is Outcome.APPROVE and failed and len(text) < MIN_JUSTIFICATION:
        names = ", ".join(f"{r.file}: {r.check}" for r in failed)
        raise ReviewError(
            "a failed check is overridden only with a written justification by both checkers",
            f"approving despite failed checks ({names}) needs a justification of at least "
            f"{MIN_JUSTIFICATION} characters",
        )
    return request.model_copy(update={"decisions": (*request.decisions, decision)})


def release_blockers(request: OutputRequest) -> list[str]:
    """Why the request may not be released yet (empty when it may)."""
    current = status(request)
    if current is Status.APPROVED:
        return []
    if current is Status.AWAITING_CHECKS:
        return ["automated checks are missing or stale"]
    if current is Status.REJECTED:
        return ["rejected by " + ", ".join(d.reviewer for d in request.decisions if d.outcome is Outcome.REJECT)]
    approvals = len(valid_approvers(request))
    return [f"{approvals} of {REQUIRED_APPROVALS} approvals from independent output checkers"]
