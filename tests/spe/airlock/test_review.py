"""The review rules: two independent checkers, no self-review, overrides of failed checks."""

import hashlib
from pathlib import Path

import pytest

from kimed.spe.airlock.appetite import load_risk_appetite
from kimed.spe.airlock.base import CheckContext
from kimed.spe.airlock.errors import ReviewError
from kimed.spe.airlock.outputs import OutputFile
from kimed.spe.airlock.request import Decision, Outcome, OutputRequest
from kimed.spe.airlock.review import Status, decide, release_blockers, status
from kimed.spe.airlock.runner import check_output

SAFE = "sex,18-39,40-64\nfemale,12,25\nmale,15,20\n"
SMALL = "sex,18-39,40-64\nfemale,12,3\nmale,15,20\n"


def checked_request(tmp_path: Path, text: str = SAFE) -> OutputRequest:
    (tmp_path / "table.csv").write_text(text, encoding="utf-8")
    output = OutputFile.of(tmp_path / "table.csv", "frequency")
    request = OutputRequest.from_outputs("proj-1", "alice", [output], authors=("bob",))
    return request.with_results(check_output(output, CheckContext(load_risk_appetite())))


def approve(who: str, why: str = "") -> Decision:
    return Decision(reviewer=who, outcome=Outcome.APPROVE, justification=why)


def test_request_records_sha256(tmp_path):
    request = checked_request(tmp_path)
    assert request.files[0].sha256 == hashlib.sha256(SAFE.encode()).hexdigest()


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_self_review_is_refused(tmp_path, who):
    with pytest.raises(ReviewError) as err:
        decide(checked_request(tmp_path), approve(who))
    assert "self-review" in err.value.rule and who in str(err.value)


def test_one_approval_is_not_enough(tmp_path):
    request = decide(checked_request(tmp_path), approve("carol"))
    assert status(request) is Status.IN_REVIEW
    assert release_blockers(request) == ["1 of 2 approvals from independent output checkers"]


def test_two_approvals_release(tmp_path):
    request = decide(decide(checked_request(tmp_path), approve("carol")), approve("dave"))
    assert status(request) is Status.APPROVED and release_blockers(request) == []


def test_the_same_checker_cannot_approve_twice(tmp_path):
    request = decide(checked_request(tmp_path), approve("carol"))
    with pytest.raises(ReviewError, match="already decided"):
        decide(request, approve("carol"))


def test_no_decision_before_the_checks(tmp_path):
    request = checked_request(tmp_path).with_results([])
    with pytest.raises(ReviewError, match="automated checks first"):
        decide(request, approve("carol"))


def test_results_for_another_digest_do_not_count(tmp_path):
    request = checked_request(tmp_path)
    stale = [r.model_copy(update={"sha256": "0" * 64}) for r in request.results]
    assert status(request.with_results(stale)) is Status.AWAITING_CHECKS


def test_only_output_checkers_review_when_roles_are_given(tmp_path):
    with pytest.raises(ReviewError, match="not an output checker"):
        decide(checked_request(tmp_path), approve("eve"), checkers={"carol", "dave"})


def test_a_failed_check_needs_a_justification_from_each_approver(tmp_path):
    request = checked_request(tmp_path, SMALL)
    assert [r.check for r in request.failed()] == ["threshold"]
    with pytest.raises(ReviewError) as err:
        decide(request, approve("carol", "ok"))
    assert "table.csv: threshold" in str(err.value)
    why = "The 3 is a published national figure (Table 4 of the registry report)."
    request = decide(request, approve("carol", why))
    request = decide(request, approve("dave", why))
    assert status(request) is Status.APPROVED


def test_hand_built_approvals_without_justification_do_not_count(tmp_path):
    request = checked_request(tmp_path, SMALL)
    forged = request.model_copy(update={"decisions": (approve("carol"), approve("alice", "x" * 30))})
    assert status(forged) is Status.IN_REVIEW


def test_one_rejection_rejects_and_closes(tmp_path):
    request = decide(checked_request(tmp_path), approve("carol"))
    with pytest.raises(ReviewError, match="says why"):
        decide(request, Decision(reviewer="dave", outcome=Outcome.REJECT))
    request = decide(request, Decision(reviewer="dave", outcome=Outcome.REJECT, justification="cells too fine"))
    assert status(request) is Status.REJECTED
    with pytest.raises(ReviewError, match="already rejected"):
        decide(request, approve("erin"))
