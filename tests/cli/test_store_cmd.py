"""The workflow commands end to end: offline drafting, a real $EDITOR, real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drafter.cli import app
from drafter.store.database import Store

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
from workflow_data import write_report  # noqa: E402

runner = CliRunner()

# An editor that rewrites the headline in place, as an editor at a terminal would.
HEADLINE_EDITOR = """
import pathlib, sys
path = pathlib.Path(sys.argv[-1])
lines = path.read_text(encoding="utf-8").splitlines()
assert lines[0].startswith("### "), lines[0]
lines[0] = "### " + sys.argv[1]
path.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
"""

# An editor that, before saving, lets a colleague accept the same draft.
RACING_EDITOR = """
import pathlib, subprocess, sys
subprocess.run([sys.executable, "-m", "drafter", "accept", sys.argv[1]], check=True)
path = pathlib.Path(sys.argv[-1])
path.write_text(path.read_text(encoding="utf-8").replace("###", "### 改", 1), encoding="utf-8")
"""

# An editor that hangs (until killed) after saying where it is.
HANGING_EDITOR = """
import os, pathlib, sys, time
path = pathlib.Path(sys.argv[-1])
path.write_text(path.read_text(encoding="utf-8").replace("###", "### 改", 1), encoding="utf-8")
pathlib.Path(sys.argv[1]).write_text(str(os.getpid()), encoding="utf-8")
time.sleep(60)
"""


def run(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=input)


def _editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, *args: str) -> None:
    script = tmp_path / "editor.py"
    script.write_text(source, encoding="utf-8")
    quoted = " ".join(f"'{a}'" for a in args)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script} {quoted}".strip())


def _submit(tmp_path: Path, name: str) -> int:
    result = run("submit", str(write_report(tmp_path, name)))
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.strip().splitlines()
    return int(line.split()[-1])


def _json(*args: str) -> Any:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def db(db_target: str | Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str | Path:
    path = db_target
    monkeypatch.setenv("DRAFTER_DB", str(path))
    monkeypatch.setenv("DRAFTER_DB_TIMEOUT", "0.5")
    # Files kept for the editor after a failed revise land here, not in the real /tmp.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    return path


# -- the done-when session ----------------------------------------------------------------


def test_scripted_session_keeps_everything_and_measures_effort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    ids = {name: _submit(tmp_path, name) for name in ("society", "district", "grassroots")}
    assert len(set(ids.values())) == 3

    assert run("accept", str(ids["society"])).exit_code == 0
    _editor(tmp_path, monkeypatch, HEADLINE_EDITOR, "怀柔区科协组织科技志愿者进社区开展应急科普")
    revised = run("revise", str(ids["district"]))
    assert revised.exit_code == 0, revised.output
    assert "已保存" in revised.stdout and "第1次修改" in revised.stdout
    rejected = run("reject", str(ids["grassroots"]), "--why", "活动规模较小，本期不刊发")
    assert rejected.exit_code == 0, rejected.output

    everything = {row["draft_id"]: row for row in _json("queue", "--status", "all")}
    assert {everything[i]["status"] for i in ids.values()} == {"accepted", "revised", "rejected"}

    histories = {name: _json("log", str(i)) for name, i in ids.items()}
    kinds = {name: [e["event"] for e in h["events"]] for name, h in histories.items()}
    assert kinds == {
        "society": ["submitted", "drafted", "accepted"],
        "district": ["submitted", "drafted", "revised"],
        "grassroots": ["submitted", "drafted", "rejected"],
    }
    (rev,) = histories["district"]["revisions"]
    assert any(op["op"] != "equal" for op in rev["diff"])

    stats = _json("stats")
    per_draft = {d["draft_id"]: d["edit_ratio"] for d in stats["drafts"]}
    assert per_draft[ids["district"]] > 0
    assert per_draft[ids["society"]] == 0
    assert (stats["submitted"], stats["accepted"], stats["revised"], stats["rejected"]) == (
        3,
        1,
        1,
        1,
    )
    assert stats["acceptance_rate"] == 0.5
    assert {"edit_ratio_mean", "edit_ratio_median"} <= set(stats["edit_ratio_by_org_kind"][0])

    text_log = run("log", str(ids["district"]))
    assert "编辑修改" in text_log.stdout and "+ " in text_log.stdout
    # the original bytes of every report are in the file, whatever happens to the inputs
    with Store(db) as store:
        for name, i in ids.items():
            original = store.get_report(store.get_draft(i).report_id).original
            assert original == (tmp_path / f"{name}.txt").read_bytes()


# -- submit ---------------------------------------------------------------------------------


def test_submit_from_stdin_with_org_and_kind(tmp_path: Path) -> None:
    from workflow_data import DISTRICT_REPORT

    result = run("submit", "-", "--org", "怀柔区科协", "--kind", "district", input=DISTRICT_REPORT)
    assert result.exit_code == 0, result.output
    draft_id = int(result.stdout.split()[-1])
    (row,) = _json("queue")
    assert row["draft_id"] == draft_id and row["org"] == "怀柔区科协"
    assert row["org_kind"] == "district" and row["headline"]
    assert {"error_count", "warning_count", "status"} <= set(row)


def test_submit_same_file_twice_warns(tmp_path: Path) -> None:
    first = _submit(tmp_path, "society")
    again = run("submit", str(tmp_path / "society.txt"))
    assert again.exit_code == 0
    assert f"此前已提交过（稿件 {first}）" in again.stderr


def test_submit_missing_file_is_a_clear_error_and_stores_nothing(
    tmp_path: Path, db: str | Path
) -> None:
    result = run("submit", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "找不到文件" in result.stderr and "Traceback" not in result.output
    with Store(db) as store:
        assert store.list_drafts() == []


@pytest.mark.slow
def test_model_failure_keeps_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drafter.profile import load_profile

    # A profile that does not retry, and an endpoint on loopback where nothing listens.
    default = (REPO / "drafter" / "profiles" / "default.toml").read_text(encoding="utf-8")
    assert "max_retries = 3" in default
    prof = tmp_path / "fast.toml"
    prof.write_text(
        default.replace("max_retries = 3", "max_retries = 0").replace(
            "timeout = 60.0", "timeout = 2.0"
        ),
        encoding="utf-8",
    )
    assert load_profile(prof).model.max_retries == 0
    monkeypatch.setenv("DRAFTER_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("DRAFTER_API_KEY", "sk-test-not-a-key")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    path = write_report(tmp_path, "society")
    result = run("submit", str(path), "--model", "test-model", "--profile", str(prof))
    assert result.exit_code == 3, result.output
    assert "起草失败" in result.stderr and "drafter redraft" in result.stderr
    draft_id = int(result.stdout.split()[-1])
    (row,) = _json("queue")
    assert (row["draft_id"], row["status"]) == (draft_id, "failed")
    again = run("redraft", str(draft_id))  # offline this time
    assert again.exit_code == 0, again.output
    assert _json("queue")[0]["status"] == "drafted"


# -- show, queue, accept, reject ------------------------------------------------------------


def test_show_puts_report_and_draft_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "600")  # wide enough that no paragraph folds
    draft_id = _submit(tmp_path, "society")
    result = run("show", str(draft_id))
    assert result.exit_code == 0, result.output
    assert "报送材料" in result.stdout and "机器草稿" in result.stdout
    both = [line for line in result.stdout.splitlines() if line.count("│") == 4]
    assert any("我会在学会会议室" in line for line in both)  # the report, left
    headline = _json("queue")[0]["headline"]
    assert any(line.split("│")[3].strip() == headline for line in both)  # the draft, right


def test_queue_hides_decided_drafts_by_default(tmp_path: Path) -> None:
    a = _submit(tmp_path, "society")
    b = _submit(tmp_path, "grassroots")
    run("accept", str(a))
    assert [row["draft_id"] for row in _json("queue")] == [b]
    assert [row["draft_id"] for row in _json("queue", "--status", "accepted")] == [a]
    table = run("queue")
    assert table.exit_code == 0 and "已起草" in table.stdout


def test_accept_twice_and_unknown_id_are_clear_errors(tmp_path: Path) -> None:
    draft_id = _submit(tmp_path, "society")
    assert run("accept", str(draft_id)).exit_code == 0
    again = run("accept", str(draft_id))
    assert again.exit_code == 5 and "已采用" in again.stderr
    missing = run("accept", "999")
    assert missing.exit_code == 4 and "没有编号为 999 的稿件" in missing.stderr


def test_accept_with_stale_version_is_a_conflict(tmp_path: Path) -> None:
    draft_id = _submit(tmp_path, "society")
    version = _json("queue")[0]["version"]
    assert run("reject", str(draft_id), "--why", "重复报送").exit_code == 0
    result = run("accept", str(draft_id), "--version", str(version))
    assert result.exit_code == 5 and "他人" in result.stderr


def test_reject_requires_why(tmp_path: Path) -> None:
    draft_id = _submit(tmp_path, "society")
    result = run("reject", str(draft_id), "--why", " ")
    assert result.exit_code == 2 and "理由" in result.stderr


# -- revise -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("editor", "message"),
    [
        ("true", "未作修改"),
        (f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w').close()\"", "文件为空"),
    ],
)
def test_revise_unchanged_or_empty_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, editor: str, message: str
) -> None:
    draft_id = _submit(tmp_path, "society")
    monkeypatch.setenv("VISUAL", editor)
    result = run("revise", str(draft_id))
    assert result.exit_code == 0, result.output
    assert message in result.stdout and "未保存任何内容" in result.stdout
    (row,) = _json("queue")
    assert row["status"] == "drafted"
    assert [e["event"] for e in _json("log", str(draft_id))["events"]] == ["submitted", "drafted"]


def test_revise_without_editor_is_a_clear_error(tmp_path: Path) -> None:
    draft_id = _submit(tmp_path, "society")
    result = run("revise", str(draft_id))
    assert result.exit_code == 2
    assert "没有设置编辑器" in result.stderr and "EDITOR" in result.stderr
    assert "保存在" not in result.stderr  # no file was written, none is left behind


def test_revise_reports_lint_and_guard_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft_id = _submit(tmp_path, "society")
    # A half-width comma, and a number the report never gave.
    _editor(tmp_path, monkeypatch, HEADLINE_EDITOR, "北京气象学会,召开36位专家评审会")
    result = run("revise", str(draft_id))
    assert result.exit_code == 0, result.output
    assert "punct" in result.stdout and "guard.number" in result.stdout


def test_concurrent_accept_during_revise_is_a_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft_id = _submit(tmp_path, "society")
    _editor(tmp_path, monkeypatch, RACING_EDITOR, str(draft_id))
    result = run("revise", str(draft_id))
    assert result.exit_code == 5, result.output
    assert "他人" in result.stderr and "保存在" in result.stderr
    log = _json("log", str(draft_id))
    assert log["status"] == "accepted" and log["revisions"] == []


@pytest.mark.slow
def test_sigkill_during_revise_loses_nothing(tmp_path: Path, db: str | Path) -> None:
    draft_id = _submit(tmp_path, "district")
    before = _json("log", str(draft_id))
    marker = tmp_path / "editor.pid"
    script = tmp_path / "hang.py"
    script.write_text(HANGING_EDITOR, encoding="utf-8")
    env = {**os.environ, "EDITOR": f"{sys.executable} {script} {marker}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "revise", str(draft_id)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    editor_pid = None
    try:
        for _ in range(600):
            if marker.exists() and marker.read_text(encoding="utf-8"):
                editor_pid = int(marker.read_text(encoding="utf-8"))
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        assert editor_pid is not None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        if editor_pid is not None:  # it holds the pipes open: end it before reading them
            os.kill(editor_pid, signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    after = _json("log", str(draft_id))
    assert after == before
    # and the draft can be revised and accepted at once
    assert run("accept", str(draft_id)).exit_code == 0


# -- locks, stats, export ---------------------------------------------------------------------

_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(60)
"""

# PostgreSQL: another session holds the drafts table; drafter's lock_timeout bounds the wait.
_HOLD_PG_LOCK = """
import sys, time, psycopg
conn = psycopg.connect(sys.argv[1].replace("postgresql+psycopg://", "postgresql://"))
conn.execute("LOCK TABLE drafts IN ACCESS EXCLUSIVE MODE")
open(sys.argv[2], "w").close()
time.sleep(60)
"""


@pytest.mark.slow
def test_locked_database_gives_clear_message(tmp_path: Path, db: str | Path) -> None:
    draft_id = _submit(tmp_path, "society")
    marker = tmp_path / "locked"
    holder = _HOLD_LOCK if isinstance(db, Path) else _HOLD_PG_LOCK
    proc = subprocess.Popen([sys.executable, "-c", holder, str(db), str(marker)])
    try:
        for _ in range(600):
            if marker.exists():
                break
            time.sleep(0.05)
        assert marker.exists()
        result = run("accept", str(draft_id))
        assert result.exit_code == 6, result.output
        assert "被其他进程占用" in result.stderr and "DRAFTER_DB_TIMEOUT" in result.stderr
    finally:
        proc.kill()
        proc.wait()
    assert run("accept", str(draft_id)).exit_code == 0


def test_stats_text_and_since(tmp_path: Path) -> None:
    draft_id = _submit(tmp_path, "society")
    run("accept", str(draft_id))
    text = run("stats")
    assert text.exit_code == 0 and "采用率：100.0%" in text.stdout
    assert _json("stats", "--since", "2999-01-01")["submitted"] == 0
    bad = run("stats", "--since", "昨天")
    assert bad.exit_code == 2 and "无法识别的日期" in bad.stderr


def test_export_evals_writes_cases(tmp_path: Path) -> None:
    from drafter.eval.runner import load_cases

    accepted = _submit(tmp_path, "society")
    _submit(tmp_path, "district")  # still pending: not exported
    run("accept", str(accepted))
    out = tmp_path / "cases"
    result = run("export-evals", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "已导出 1 个评测用例" in result.stdout
    ((case, where),) = load_cases(out)
    assert case.expected_attribution == "北京气象学会" and (where / "golden.md").is_file()


def test_db_flag_wins_over_environment(tmp_path: Path, db: str | Path) -> None:
    other = tmp_path / "other.db"
    path = write_report(tmp_path, "society")
    result = run("submit", str(path), "--db", str(other))
    assert result.exit_code == 0, result.output
    with Store(other) as store:
        assert len(store.list_drafts()) == 1
    with Store(db) as store:
        assert store.list_drafts() == []
