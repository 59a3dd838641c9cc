"""The drafting worker: drafts queued submissions, retries model errors, fails input
errors at once, drops a result whose lease was lost, and survives kill -9 of a worker
(another one finishes the job). Both backends (``db_target``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from drafter.errors import InputError, ModelError
from drafter.profile import Profile
from drafter.schemas import Brief, Report
from drafter.store.database import Store
from drafter.store.jobs import get_job, job_counts, job_for_draft, list_jobs
from drafter.store.worker import InProcessWorkers, Worker, WorkerSettings, run_workers
from drafter.store.workflow import DraftFn, submit_report

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, make_report  # noqa: E402


def _queue(db: str | Path, profile: Profile, *names: str) -> list[int]:
    with Store(db) as store:
        return [
            submit_report(store, make_report(n, profile), profile=profile, defer=True).draft.id
            for n in names
        ]


def _fixed(fn: DraftFn) -> Callable[[Store], DraftFn]:
    return lambda store: fn


def test_workers_draft_every_queued_submission(db_target: str | Path, profile: Profile) -> None:
    ids = _queue(db_target, profile, "society", "district", "grassroots")
    settings = WorkerSettings(profile=profile, draft_fn=_fixed(fake_draft), poll=0.05)
    handled = run_workers(db_target, settings, jobs=2, until_idle=True)
    assert handled == 3
    with Store(db_target) as store:
        assert [store.get_draft(i).status for i in ids] == ["drafted"] * 3
        assert job_counts(store)["done"] == 3
        actors = {e.actor for i in ids for e in store.events(i) if e.kind == "drafted"}
    assert all(a and a.startswith("worker:") for a in actors)


def test_the_default_drafting_is_the_pipeline(db_target: str | Path, profile: Profile) -> None:
    """No draft_fn: the workflow's own drafting (offline engine here)."""
    [draft_id] = _queue(db_target, profile, "district")
    Worker(db_target, WorkerSettings(profile=profile)).run(until_idle=True)
    with Store(db_target) as store:
        record = store.get_draft(draft_id)
    assert record.status == "drafted" and record.engine == "offline" and record.headline


def test_an_input_error_fails_the_job_at_once(db_target: str | Path, profile: Profile) -> None:
    [draft_id] = _queue(db_target, profile, "society")

    def bad(report: Report, profile: Profile, model: str | None) -> Brief:
        raise InputError("材料里没有可写的活动")

    Worker(db_target, WorkerSettings(profile=profile, draft_fn=_fixed(bad))).run(until_idle=True)
    with Store(db_target) as store:
        job = job_for_draft(store, draft_id)
        record = store.get_draft(draft_id)
    assert job is not None and job.state == "failed" and job.attempts == 1
    assert record.status == "failed" and record.failure == "材料里没有可写的活动"


def test_model_errors_are_retried_then_fail_with_the_reason(
    db_target: str | Path, profile: Profile
) -> None:
    [draft_id] = _queue(db_target, profile, "society")
    calls: list[int] = []

    def flaky(report: Report, profile: Profile, model: str | None) -> Brief:
        calls.append(1)
        raise ModelError(f"模型服务无响应（第 {len(calls)} 次）")

    settings = WorkerSettings(profile=profile, draft_fn=_fixed(flaky), retry_delay=0)
    Worker(db_target, settings).run(until_idle=True)
    with Store(db_target) as store:
        job = job_for_draft(store, draft_id)
        record = store.get_draft(draft_id)
    assert len(calls) == 3
    assert job is not None and job.state == "failed" and job.attempts == 3
    assert job.last_error == "模型服务无响应（第 3 次）" == record.failure


def test_a_model_error_then_success(db_target: str | Path, profile: Profile) -> None:
    [draft_id] = _queue(db_target, profile, "society")
    calls: list[int] = []

    def once_flaky(report: Report, profile: Profile, model: str | None) -> Brief:
        calls.append(1)
        if len(calls) == 1:
            raise ModelError("限流")
        return fake_draft(report, profile, model)

    settings = WorkerSettings(profile=profile, draft_fn=_fixed(once_flaky), retry_delay=0)
    Worker(db_target, settings).run(until_idle=True)
    with Store(db_target) as store:
        job = job_for_draft(store, draft_id)
        assert store.get_draft(draft_id).status == "drafted"
    assert job is not None and job.state == "done" and job.attempts == 2


def test_a_result_is_dropped_when_the_lease_was_lost(
    db_target: str | Path, profile: Profile
) -> None:
    [draft_id] = _queue(db_target, profile, "society")

    def overtaken(report: Report, profile: Profile, model: str | None) -> Brief:
        # Another worker takes the job over meanwhile (its claim bumps the token).
        with Store(db_target) as other, other.transaction() as conn:
            conn.execute("UPDATE jobs SET lease = lease + 1, holder = 'other'", {})
        return fake_draft(report, profile, model)

    Worker(db_target, WorkerSettings(profile=profile, draft_fn=_fixed(overtaken))).run(max_jobs=1)
    with Store(db_target) as store:
        job = job_for_draft(store, draft_id)
        assert store.get_draft(draft_id).status == "submitted"  # nothing landed
    assert job is not None and job.state == "running" and job.holder == "other"


def test_in_process_workers_wake_on_submit_and_stop(
    db_target: str | Path, profile: Profile
) -> None:
    settings = WorkerSettings(profile=profile, draft_fn=_fixed(fake_draft), poll=30)
    runner = InProcessWorkers(db_target, settings, jobs=1)
    runner.start()
    try:
        time.sleep(0.2)  # the worker is idle, waiting up to its 30 s poll
        [draft_id] = _queue(db_target, profile, "district")
        runner.wake()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with Store(db_target) as store:
                if store.get_draft(draft_id).status == "drafted":
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the woken worker did not draft the submission")
    finally:
        started = time.monotonic()
        runner.stop(timeout=10)
    assert time.monotonic() - started < 5  # stop does not wait out the poll
    assert InProcessWorkers.default_jobs("postgresql://u@h/db") == 0
    assert InProcessWorkers.default_jobs(Path("x.db")) == 1


_SLOW_WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from drafter.store.worker import Worker, WorkerSettings

    db, marker = sys.argv[1], Path(sys.argv[2])

    def slow(report, profile, model):
        marker.write_text("drafting")
        time.sleep(60)  # killed long before this returns
        raise AssertionError("not killed")

    Worker(db, WorkerSettings(lease=0.6, poll=0.05, draft_fn=lambda store: slow),
           name="doomed").run(max_jobs=1)
    """
)


def test_a_worker_killed_mid_draft_loses_its_job_to_another(
    db_target: str | Path, profile: Profile, tmp_path: Path
) -> None:
    [draft_id] = _queue(db_target, profile, "society")
    marker = tmp_path / "drafting"
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WORKER, str(db_target), str(marker)],
        env={**os.environ, "PYTHONPATH": str(TESTS.parent)},
    )
    try:
        deadline = time.monotonic() + 20
        while not marker.exists():
            assert proc.poll() is None, "the worker exited before drafting"
            assert time.monotonic() < deadline, "the worker never started drafting"
            time.sleep(0.05)
        time.sleep(0.5)  # mid-draft, its heartbeat renewing the 0.6 s lease
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with Store(db_target) as store:
        held = list_jobs(store, ["running"])
        assert [j.holder for j in held] == ["doomed"]  # still its, until the lease runs out
    time.sleep(0.7)
    rescuer = Worker(db_target, WorkerSettings(profile=profile, draft_fn=_fixed(fake_draft)))
    assert rescuer.run(until_idle=True) == 1
    with Store(db_target) as store:
        job = get_job(store, held[0].id)
        kinds = [e.kind for e in store.events(draft_id) if e.kind.startswith("job_")]
        assert store.get_draft(draft_id).status == "drafted"
    assert job.state == "done" and job.attempts == 2 and job.lease == 2
    assert kinds[:3] == ["job_queued", "job_claimed", "job_renewed"]
    assert kinds[-3:] == ["job_expired", "job_claimed", "job_done"]


def test_a_stop_lets_the_draft_in_hand_finish(db_target: str | Path, profile: Profile) -> None:
    ids = _queue(db_target, profile, "society", "district")
    stop = threading.Event()

    def stopping(report: Report, profile: Profile, model: str | None) -> Brief:
        stop.set()  # SIGTERM arrives while the first draft is in hand
        return fake_draft(report, profile, model)

    settings = WorkerSettings(profile=profile, draft_fn=_fixed(stopping))
    assert run_workers(db_target, settings, jobs=1, stop=stop) == 1
    with Store(db_target) as store:
        assert [store.get_draft(i).status for i in ids] == ["drafted", "submitted"]
        assert job_counts(store)["queued"] == 1


def test_an_unexpected_error_outside_drafting_does_not_kill_the_worker(
    db_target: str | Path, profile: Profile
) -> None:
    ids = _queue(db_target, profile, "society", "district")

    def wrong(report: Report, profile: Profile, model: str | None) -> Brief:
        # A bug that surfaces only when the result is stored (not a Brief at all).
        return None if "学会" in (report.org or "") else fake_draft(report, profile, model)  # type: ignore[return-value]

    worker = Worker(db_target, WorkerSettings(profile=profile, draft_fn=_fixed(wrong), poll=0.01))
    assert worker.run(max_jobs=2) == 2  # logged, reconnected, went on to the next job
    with Store(db_target) as store:
        states = [store.get_draft(i).status for i in ids]
        stuck = job_for_draft(store, ids[0])
    assert states == ["submitted", "drafted"]
    assert stuck is not None and stuck.state == "running"  # back in the queue once its lease ends
