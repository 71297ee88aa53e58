"""The job commands through typer's CliRunner against an in-memory API and feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobwire.contract.records import PAGE_SIZE_MAX, JobError
from jobwire.contract.states import JobState
from tests.unit.cli.fake_api import FakeApi

TOKEN = ["--token", "tok", "--url", "http://api.test"]


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def runner(monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.delenv("JOBWIRE_URL", raising=False)
    monkeypatch.delenv("JOBWIRE_TOKEN", raising=False)
    monkeypatch.setattr("jobwire.client.config.DEFAULT_CONFIG_FILE", tmp_path / "none.toml")
    return CliRunner()


def run(api: FakeApi, runner: CliRunner, *args: str, token: bool = True, input: str | None = None):
    argv = [*args, *TOKEN] if token else list(args)
    return runner.invoke(api.app(), argv, obj=api.factory, input=input)


def assert_clean_failure(result, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- submit --------------------------------------------------------------------------------


def test_submit_builds_the_spec_from_typed_flags(api, runner):
    result = run(
        api,
        runner,
        "submit",
        "research",
        "--topic",
        "tides",
        "--max-sources",
        "3",
        "--sources",
        "a",
        "--sources",
        "b",
        "--deep",
    )
    assert result.exit_code == 0, result.output
    assert "submitted job-1" in result.output
    assert api.submitted == [
        {
            "type": "research",
            "schema_version": 1,
            "name": None,
            "tags": [],
            "topic": "tides",
            "max_sources": 3,
            "sources": ["a", "b"],
            "deep": True,
            "priority": 3,
        }
    ]


def test_submit_json_prints_the_record(api, runner):
    result = run(
        api,
        runner,
        "submit",
        "trade",
        "--symbol",
        "ACME",
        "--side",
        "buy",
        "--quantity",
        "10.5",
        "--limits",
        '{"max_slippage_bps": 5}',
        "--json",
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["job_id"] == "job-1"
    assert api.submitted[0]["quantity"] == "10.5"
    assert api.submitted[0]["limits"] == {"max_slippage_bps": 5}


def test_submit_help_lists_a_command_per_job_type_with_its_fields(api, runner):
    result = run(api, runner, "submit", "--help", token=False)
    assert "research" in result.output and "trade" in result.output
    result = run(api, runner, "submit", "research", "--help", token=False)
    assert "--max-sources" in result.output and "What to research." in result.output


def test_submit_from_a_file_with_flags_overriding_it(api, runner, tmp_path: Path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"type": "research", "topic": "old", "max_sources": 2}))
    result = run(api, runner, "submit", "research", "--file", str(spec), "--topic", "new")
    assert result.exit_code == 0, result.output
    assert api.submitted[0]["topic"] == "new" and api.submitted[0]["max_sources"] == 2


def test_submit_file_alone_picks_the_type_from_the_spec(api, runner, tmp_path: Path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"type": "trade", "symbol": "X", "side": "sell", "quantity": 1}))
    result = run(api, runner, "submit", "--file", str(spec))
    assert result.exit_code == 0, result.output
    assert api.submitted[0]["side"] == "sell"


def test_submit_takes_a_priority_from_a_flag_or_over_a_file(api, runner, tmp_path: Path):
    result = run(api, runner, "submit", "research", "--topic", "t", "--priority", "4")
    assert result.exit_code == 0, result.output
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"type": "trade", "symbol": "X", "side": "sell", "quantity": 1}))
    result = run(api, runner, "submit", "--file", str(spec), "--priority", "5")
    assert result.exit_code == 0, result.output
    assert [body["priority"] for body in api.submitted] == [4, 5]


def test_submit_file_takes_a_name_and_tags_over_the_files(api, runner, tmp_path: Path):
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps({"type": "trade", "symbol": "X", "side": "sell", "quantity": 1, "tags": ["old"]})
    )
    result = run(
        api,
        runner,
        "submit",
        "--file",
        str(spec),
        "--name",
        "nightly X",
        "--tag",
        "a",
        "--tag",
        "b",
    )
    assert result.exit_code == 0, result.output
    assert api.submitted[0]["name"] == "nightly X" and api.submitted[0]["tags"] == ["a", "b"]


def test_a_priority_out_of_range_is_a_usage_error(api, runner, tmp_path: Path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"type": "research", "topic": "t"}))
    assert_clean_failure(run(api, runner, "submit", "--file", str(spec), "--priority", "9"), 2)
    assert api.submitted == []


def test_submit_reads_a_spec_from_stdin(api, runner):
    spec = json.dumps({"type": "research", "topic": "stdin"})
    result = run(api, runner, "submit", "--file", "-", input=spec)
    assert result.exit_code == 0, result.output
    assert api.submitted[0]["topic"] == "stdin"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["submit", "research", "--max-sources", "0", "--topic", "x"], "--max-sources"),
        (["submit", "research"], "--topic: Field required"),
        (["submit", "trade", "--symbol", "X", "--side", "hold", "--quantity", "1"], "--side"),
        (
            [
                "submit",
                "trade",
                "--symbol",
                "X",
                "--side",
                "buy",
                "--quantity",
                "1",
                "--limits",
                "{nope",
            ],
            "--limits takes JSON",
        ),
    ],
)
def test_a_bad_spec_from_flags_says_which_flag_and_exits_2(api, runner, args, message):
    result = run(api, runner, *args)
    assert_clean_failure(result, 2)
    assert message in result.output
    assert api.submitted == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        (json.dumps({"type": "research", "topic": ""}), "topic"),
        (json.dumps({"type": "research", "topic": "x", "colour": "red"}), "colour"),
    ],
)
def test_a_bad_spec_file_is_refused_with_a_reason(api, runner, tmp_path, content, message):
    spec = tmp_path / "spec.json"
    spec.write_text(content)
    result = run(api, runner, "submit", "--file", str(spec))
    assert_clean_failure(result, 2)
    assert message in result.output


def test_a_missing_spec_file_is_a_usage_error(api, runner, tmp_path):
    result = run(api, runner, "submit", "--file", str(tmp_path / "absent.json"))
    assert_clean_failure(result, 2)
    assert "cannot read" in result.output


def test_a_spec_the_server_refuses_shows_its_problem_details(api, runner, tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"type": "unknown-type"}))
    result = run(api, runner, "submit", "--file", str(spec))
    assert_clean_failure(result, 2)
    assert "Invalid job spec (422)" in result.output and "type: unknown job type" in result.output


def test_an_unknown_flag_is_a_usage_error_without_traceback(api, runner):
    result = run(api, runner, "ls", "--colour", "red")
    assert_clean_failure(result, 2)
    assert "No such option" in result.output


def test_submit_watch_follows_the_new_job_to_its_end(api, runner):
    result = run(api, runner, "submit", "research", "--topic", "t", "--watch")
    assert result.exit_code == 0, result.output
    assert "job.completed" in result.output and "finished job-1: completed" in result.output


# -- reading -------------------------------------------------------------------------------


def test_ls_shows_a_table_and_json_shows_the_page(api, runner):
    api.add_job(JobState.RUNNING)
    api.add_job(JobState.COMPLETED)
    human = run(api, runner, "ls")
    assert human.exit_code == 0, human.output
    assert "job-1" in human.output and "running" in human.output and "job-2" in human.output
    data = json.loads(run(api, runner, "ls", "--json", "--state", "completed").output)
    assert [item["job_id"] for item in data["items"]] == ["job-2"]
    assert api.requests[-1].url.params["state"] == "completed"


def test_ls_rejects_an_unknown_state(api, runner):
    result = run(api, runner, "ls", "--state", "sleeping")
    assert_clean_failure(result, 2)


def test_show_prints_the_record_and_the_temporal_link(api, runner):
    job = api.add_job(JobState.PAUSED)
    human = run(api, runner, "show", job)
    assert human.exit_code == 0, human.output
    assert "paused" in human.output and "resume, cancel" in human.output
    assert "priority  3  (1 runs first, 5 last)" in human.output
    assert f"http://ui:8233/namespaces/default/workflows/{job}" in human.output
    assert json.loads(run(api, runner, "show", job, "--json").output)["state"] == "paused"


def test_show_of_an_unknown_job_exits_5(api, runner):
    result = run(api, runner, "show", "job-nope")
    assert_clean_failure(result, 5)
    assert "Job not found (404)" in result.output


def test_events_human_and_json(api, runner):
    job = api.add_job(JobState.COMPLETED, events=3)
    human = run(api, runner, "events", job, "--since", "2")
    assert human.exit_code == 0, human.output
    assert "#3" in human.output and "#1 " not in human.output
    data = json.loads(run(api, runner, "events", job, "--json").output)
    assert [e["seq"] for e in data["events"]] == [1, 2, 3, 4] and data["last_seq"] == 4


def test_stats_human_and_json(api, runner):
    api.add_job()
    assert "total" in run(api, runner, "stats").output
    assert json.loads(run(api, runner, "stats", "--json").output)["total"] == 1


# -- controls ------------------------------------------------------------------------------


def test_pause_resume_cancel_print_the_new_state(api, runner):
    job = api.add_job(JobState.RUNNING)
    assert "pause: " in run(api, runner, "pause", job).output
    assert json.loads(run(api, runner, "resume", job, "--json").output)["state"] == "running"
    assert "cancelled" in run(api, runner, "cancel", job).output


def test_an_illegal_control_exits_6_with_the_current_state(api, runner):
    job = api.add_job(JobState.COMPLETED)
    result = run(api, runner, "resume", job)
    assert_clean_failure(result, 6)
    assert "cannot resume a job that is completed" in result.output
    assert "current state: completed" in result.output


def test_an_illegal_control_with_json_prints_problem_json_on_stderr(api, runner):
    job = api.add_job(JobState.COMPLETED)
    result = runner.invoke(api.app(), ["pause", job, "--json", *TOKEN], obj=api.factory)
    assert result.exit_code == 6
    assert json.loads(result.stderr)["state"] == "completed"


def test_restart_prints_the_new_job(api, runner):
    job = api.add_job(JobState.FAILED)
    result = run(api, runner, "restart", job)
    assert result.exit_code == 0, result.output
    assert "restarted as job-2" in result.output


# -- watch ---------------------------------------------------------------------------------


def test_watch_prints_each_event_once_and_exits_0_when_completed(api, runner):
    job = api.add_job(JobState.COMPLETED, events=3)
    result = run(api, runner, "watch", job)
    assert result.exit_code == 0, result.output
    assert [f"#{n} " in result.output for n in (1, 2, 3, 4)] == [True] * 4
    assert "finished job-1: completed" in result.output


def test_watch_json_is_one_event_per_line(api, runner):
    job = api.add_job(JobState.COMPLETED, events=2)
    result = run(api, runner, "watch", job, "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3]


def test_watching_several_jobs_exits_3_when_one_failed(api, runner):
    ok = api.add_job(JobState.COMPLETED, events=1)
    bad = api.add_job(JobState.FAILED, events=1)
    result = run(api, runner, "watch", ok, bad)
    assert_clean_failure(result, 3)
    assert f"finished {ok}: completed" in result.output
    assert f"finished {bad}: failed" in result.output


def test_watching_a_cancelled_job_exits_4(api, runner):
    job = api.add_job(JobState.CANCELLED)
    assert_clean_failure(run(api, runner, "watch", job), 4)


def test_watching_an_unknown_job_exits_5(api, runner):
    assert_clean_failure(run(api, runner, "watch", "job-nope"), 5)


# -- connection ----------------------------------------------------------------------------


def test_without_a_token_the_cli_says_how_to_get_one(api, runner):
    result = run(api, runner, "ls", "--url", "http://api.test", token=False)
    assert_clean_failure(result, 7)
    assert "jobwire token" in result.output


def test_url_and_token_come_from_the_environment(api, runner):
    runner.env = {"JOBWIRE_URL": "http://env.test", "JOBWIRE_TOKEN": "tok"}
    result = runner.invoke(api.app(), ["ls"], obj=api.factory, env=runner.env)
    assert result.exit_code == 0, result.output
    assert api.settings[-1].url == "http://env.test"


def test_url_and_token_come_from_a_config_file(api, runner, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('url = "http://file.test"\ntoken = "tok"\n')
    result = runner.invoke(api.app(), ["ls", "--config", str(config)], obj=api.factory)
    assert result.exit_code == 0, result.output
    assert api.settings[-1].url == "http://file.test"


def test_an_unreachable_server_exits_8(runner, tmp_path):
    from jobwire.cli.main import app

    result = runner.invoke(app, ["ls", "--url", "http://127.0.0.1:9", "--token", "t"])
    assert_clean_failure(result, 8)
    assert "cannot reach http://127.0.0.1:9" in result.output


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (
            JobError(
                type="ConnectError", message="refused", retryable=True, phase="fetch", attempts=5
            ),
            "5 attempts of fetch: transient, until the attempts ran out",
        ),
        (
            JobError(type="ValueOutOfRange", message="row 2", phase="scan", attempts=1),
            "1 attempt of scan: final, a retry would fail the same way",
        ),
    ],
)
def test_show_says_how_many_attempts_a_failed_job_had_and_why_it_stopped(api, runner, error, said):
    job = api.add_job(JobState.FAILED)
    api.feed.records[job] = api.feed.records[job].model_copy(update={"error": error})
    human = run(api, runner, "show", job)
    assert human.exit_code == 0, human.output
    assert error.message in human.output
    assert said in " ".join(human.output.split())


# -- no worker ---------------------------------------------------------------------------

NO_WORKER = {"polling": False, "last_seen": "2026-12-01T05:46:02Z", "message": None}


def test_show_and_watch_say_jobs_wait_while_no_worker_polls(api, runner):
    api.workers = NO_WORKER
    waiting = api.add_job(JobState.RUNNING)
    shown = run(api, runner, "show", waiting)
    assert "no worker is running: jobs wait" in shown.output, shown.output
    assert "none since 2026-12-01T05:46:02" in shown.output
    watched = run(api, runner, "watch", api.add_job(JobState.COMPLETED, events=1))
    assert "no worker is running: jobs wait" in watched.output, watched.output


def test_show_says_nothing_of_workers_while_one_polls_or_for_a_finished_job(api, runner):
    api.workers = {"polling": True, "last_seen": "2026-12-01T05:46:02Z", "message": None}
    assert "no worker" not in run(api, runner, "show", api.add_job(JobState.RUNNING)).output
    api.workers = NO_WORKER
    assert "no worker" not in run(api, runner, "show", api.add_job(JobState.COMPLETED)).output


def test_ls_refuses_a_page_larger_than_the_api_serves(api, runner):
    """The API answers at most ``PAGE_SIZE_MAX`` jobs a page; a larger ``--limit`` would be a
    422 from the server after the call, so the CLI says so before making it."""
    result = run(api, runner, "ls", "--limit", str(PAGE_SIZE_MAX + 1))
    assert result.exit_code == 2
    assert str(PAGE_SIZE_MAX) in result.output
