"""``drafter submit --queue``, ``drafter worker`` and ``drafter jobs``, end to end.

Both backends (``db_target``); the worker runs offline (the built-in profile's model).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from drafter.cli import app
from drafter.store.database import Store
from drafter.store.jobs import claim_job, fail_job

TESTS = Path(__file__).resolve().parent.parent
from workflow_data import write_report  # noqa: E402

runner = CliRunner()


def _submit_queued(db: str, tmp_path: Path, name: str = "society") -> int:
    path = write_report(tmp_path, name)
    result = runner.invoke(app, ["submit", str(path), "--queue", "--db", db])
    assert result.exit_code == 0, result.output
    assert "已排队" in result.stderr
    return int(result.stdout.strip().rsplit(" ", 1)[1])


def test_queue_then_worker_until_idle_then_jobs(db_target: str | Path, tmp_path: Path) -> None:
    db = str(db_target)
    draft_id = _submit_queued(db, tmp_path)
    listed = runner.invoke(app, ["jobs", "--db", db])
    assert listed.exit_code == 0 and "排队中 1" in listed.stdout
    assert f"稿件 {draft_id}｜排队中" in listed.stdout
    worked = runner.invoke(app, ["worker", "--until-idle", "--jobs", "2", "--db", db])
    assert worked.exit_code == 0, worked.output
    assert "共处理 1 个任务" in worked.stdout
    with Store(db) as store:
        assert store.get_draft(draft_id).status == "drafted"
    done = runner.invoke(app, ["jobs", "--state", "done", "--format", "json", "--db", db])
    data = json.loads(done.stdout)
    assert data["counts"]["done"] == 1 and data["jobs"][0]["draft_id"] == draft_id


def test_jobs_shows_holder_and_failures_and_retries(db_target: str | Path, tmp_path: Path) -> None:
    db = str(db_target)
    first = _submit_queued(db, tmp_path, "society")
    second = _submit_queued(db, tmp_path, "district")
    with Store(db) as store:
        failing = claim_job(store, "w-fail")
        running = claim_job(store, "host-a:42:0", lease_seconds=300)
        assert failing is not None and running is not None
        fail_job(store, failing, "材料为空", permanent=True)
    shown = runner.invoke(app, ["jobs", "--db", db])
    assert shown.exit_code == 0
    assert f"稿件 {first}｜失败｜已试 1/3 次｜原因：材料为空" in shown.stdout
    assert f"稿件 {second}｜起草中" in shown.stdout and "host-a:42:0｜租约至" in shown.stdout
    assert "drafter jobs --retry" in shown.stderr
    retried = runner.invoke(app, ["jobs", "--retry", str(failing.job.id), "--db", db])
    assert retried.exit_code == 0 and "已重新排队" in retried.stdout
    again = runner.invoke(app, ["jobs", "--retry", str(failing.job.id), "--db", db])
    assert again.exit_code != 0 and "只有失败的任务可以重试" in again.stderr
    assert "Traceback" not in again.output


def test_jobs_never_creates_a_database(tmp_path: Path) -> None:
    # SQLite only: a mistyped --db path is an error, not a new empty store.
    missing = tmp_path / "nope" / "drafter.db"
    result = runner.invoke(app, ["jobs", "--db", str(missing)])
    assert result.exit_code != 0 and not missing.parent.exists()


def test_worker_stops_gracefully_on_sigterm(db_target: str | Path, tmp_path: Path) -> None:
    db = str(db_target)
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "worker", "--poll", "0.1", "--db", db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(TESTS.parent)},
    )
    try:
        deadline = time.monotonic() + 20
        assert proc.stderr is not None
        line = proc.stderr.readline()
        while "起草进程已启动" not in line:
            assert time.monotonic() < deadline and line, "the worker did not start"
            line = proc.stderr.readline()
        draft_id = _submit_queued(db, tmp_path)
        while True:  # the running worker picks the job up by itself
            with Store(db) as store:
                if store.get_draft(draft_id).status == "drafted":
                    break
            assert time.monotonic() < deadline, "the running worker did not draft the job"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "共处理 1 个任务" in out and "收到停止信号" in err
