"""One problem-details body per error, shared by REST answers and Socket.IO acks."""

from __future__ import annotations

from temporalio.service import RPCError, RPCStatusCode

from jobwire.errors import IllegalTransition, InvalidSpec, JobNotFound
from jobwire.problems import is_foreseen, problem_details


def test_an_invalid_spec_names_each_field() -> None:
    body = problem_details(InvalidSpec("quantity: must be positive", field="quantity"))
    assert body == {
        "type": "https://jobwire.dev/problems/invalid-spec",
        "title": "Invalid job spec",
        "status": 422,
        "detail": "quantity: must be positive",
        "errors": [{"field": "quantity", "message": "quantity: must be positive"}],
    }


def test_a_refused_action_says_the_current_state() -> None:
    body = problem_details(IllegalTransition("pause", "completed"))
    assert body["status"] == 409 and body["state"] == "completed"
    assert body["type"].endswith("/illegal-transition")


def test_temporal_out_of_reach_is_a_503_and_other_temporal_errors_are_not_explained() -> None:
    down = problem_details(RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b""))
    assert down["status"] == 503 and is_foreseen(down)
    odd = problem_details(RPCError("secret internals", RPCStatusCode.INTERNAL, b""))
    assert odd["status"] == 500 and not is_foreseen(odd)
    assert "secret" not in str(odd)


def test_a_namespace_without_a_search_attribute_jobwire_uses_is_a_503_naming_setup() -> None:
    refusals = [
        "Namespace default has no mapping defined for search attribute JobTags",  # a start
        "invalid query: invalid search attribute: JobTags",  # a list
    ]
    for message in refusals:
        body = problem_details(RPCError(message, RPCStatusCode.INVALID_ARGUMENT, b""))
        assert body["status"] == 503 and is_foreseen(body), message
        assert body["type"].endswith("/temporal-not-set-up")
        assert "JobTags" in body["detail"] and "jobwire setup" in body["detail"]
    other = RPCError("invalid query: unexpected token", RPCStatusCode.INVALID_ARGUMENT, b"")
    assert problem_details(other)["status"] == 500


def test_an_unforeseen_error_is_a_bare_500_without_its_message() -> None:
    body = problem_details(KeyError("password=hunter2"))
    assert body["status"] == 500 and "hunter2" not in str(body) and not is_foreseen(body)
    assert is_foreseen(problem_details(JobNotFound("job-1")))
