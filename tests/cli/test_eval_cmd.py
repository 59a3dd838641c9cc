"""``drafter eval``: tables and JSON, baselines and regressions, JUnit, compare, replay."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli import app
from drafter.eval.runner import default_cases_dir

# A society, a district and a lead story: every section kind, in a few seconds.
SUBSET = ("society-congress-election", "district-haidian-science-day", "office-lead-visit")
DEFAULT_PROFILE = Path(__file__).resolve().parents[2] / "drafter" / "profiles" / "default.toml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    root = tmp_path / "cases"
    for cid in SUBSET:
        shutil.copytree(default_cases_dir() / cid, root / cid)
    return root


@pytest.fixture
def baseline(runner: CliRunner, cases: Path, tmp_path: Path) -> Path:
    path = tmp_path / "baseline.json"
    res = runner.invoke(
        app, ["eval", "--cases", str(cases), "--baseline", str(path), "--update-baseline"]
    )
    assert res.exit_code == 0, res.output
    assert "已写入基线" in res.stderr
    return path


def _profile_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_PROFILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_table_run_prints_cases_scorers_and_time(runner: CliRunner, cases: Path) -> None:
    res = runner.invoke(app, ["eval", "--model", "offline", "--cases", str(cases)])
    assert res.exit_code == 0, res.output
    for cid in SUBSET:
        assert cid in res.stdout
    assert "各评分项" in res.stdout and "lint_errors" in res.stdout
    assert "评测用时" in res.stderr and "3 个用例" in res.stderr


def test_json_output_and_out_file_have_one_entry_per_case(
    runner: CliRunner, cases: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run.json"
    res = runner.invoke(app, ["eval", "--cases", str(cases), "--format", "json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    for data in (json.loads(res.stdout), json.loads(out.read_text(encoding="utf-8"))):
        assert sorted(c["id"] for c in data["cases"]) == sorted(SUBSET)
        for case in data["cases"]:
            assert case["ok"] and {"lint_errors", "guard_errors", "attribution"} <= set(
                case["scores"]
            )
    assert json.loads(res.stdout)["regressions"] == []


def test_junit_file_is_valid_xml_with_a_test_per_case(
    runner: CliRunner, cases: Path, tmp_path: Path
) -> None:
    junit = tmp_path / "reports" / "eval.xml"
    res = runner.invoke(app, ["eval", "--cases", str(cases), "--junit", str(junit)])
    assert res.exit_code == 0, res.output
    root = ET.fromstring(junit.read_text(encoding="utf-8"))
    assert sorted(tc.get("name") or "" for tc in root.iter("testcase")) == sorted(SUBSET)


def test_unchanged_pipeline_against_its_baseline_exits_0(
    runner: CliRunner, cases: Path, baseline: Path
) -> None:
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert len(data["cases"]) == 3 and "brief" not in data["cases"][0]
    res = runner.invoke(app, ["eval", "--cases", str(cases), "--baseline", str(baseline)])
    assert res.exit_code == 0, res.output
    assert "没有退步" in res.stderr


def test_a_profile_renaming_a_district_regresses_that_case(
    runner: CliRunner, cases: Path, baseline: Path, tmp_path: Path
) -> None:
    broken = _profile_copy(tmp_path, 'short = "海淀区科协"', 'short = "海淀科协"')
    res = runner.invoke(
        app,
        ["eval", "--cases", str(cases), "--baseline", str(baseline), "--profile", str(broken)],
    )
    assert res.exit_code == 1, res.output
    assert "退步" in res.stderr
    assert "district-haidian-science-day：attribution" in res.stderr
    assert "society-congress-election：" not in res.stderr  # only the affected case


def test_absurd_length_limits_regress_every_case(
    runner: CliRunner, cases: Path, baseline: Path, tmp_path: Path
) -> None:
    broken = _profile_copy(tmp_path, "body_max = 600", "body_max = 90")
    res = runner.invoke(
        app,
        ["eval", "--cases", str(cases), "--baseline", str(baseline), "--profile", str(broken)],
    )
    assert res.exit_code == 1, res.output
    for cid in ("society-congress-election", "district-haidian-science-day"):
        assert f"{cid}：length" in res.stderr
    assert "length.pass_rate" in res.stderr  # the aggregate dropped too


def test_compare_lists_changed_cases_and_scorers(
    runner: CliRunner, cases: Path, baseline: Path, tmp_path: Path
) -> None:
    broken = _profile_copy(tmp_path, 'short = "海淀区科协"', 'short = "海淀科协"')
    after = tmp_path / "after.json"
    runner.invoke(
        app, ["eval", "--cases", str(cases), "--profile", str(broken), "--out", str(after)]
    )
    res = runner.invoke(app, ["eval", "--compare", str(baseline), str(after)])
    assert res.exit_code == 0, res.output
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    assert any(
        line.startswith("district-haidian-science-day\tattribution") and "未通过" in line
        for line in lines
    )
    assert not any(line.startswith("society-congress-election") for line in lines)
    same = runner.invoke(app, ["eval", "--compare", str(baseline), str(baseline)])
    assert "没有差别" in same.stdout


def test_replay_with_a_missing_recording_exits_2_naming_the_case(
    runner: CliRunner, cases: Path, tmp_path: Path
) -> None:
    res = runner.invoke(
        app,
        [
            "eval",
            "--cases",
            str(cases),
            "--model",
            "stub-model",
            "--replay",
            "--recordings",
            str(tmp_path / "empty"),
            "--jobs",
            "1",
        ],
    )
    assert res.exit_code == 2, res.output
    assert "找不到" in res.stderr and "录制" in res.stderr
    assert any(cid in res.stderr for cid in SUBSET)
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--record", "--replay"], "不能同时使用"),
        (["--format", "xml"], "--format"),
        (["--grader", "offline"], "--grader"),
        (["--cases", "/nonexistent/cases"], "找不到评测用例目录"),
        (["--baseline", "/nonexistent/baseline.json"], "找不到评测结果文件"),
    ],
)
def test_bad_input_exits_2_with_a_chinese_message(
    runner: CliRunner, cases: Path, args: list[str], message: str
) -> None:
    full = ["eval", *args] if "--cases" in args else ["eval", "--cases", str(cases), *args]
    res = runner.invoke(app, full)
    assert res.exit_code == 2, res.output
    assert message in res.stderr
    assert "Traceback" not in res.output


def test_record_then_replay_offline_gives_the_same_run(
    runner: CliRunner, cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eval_stub import golden_responder

    from drafter.testing import StubServer

    monkeypatch.setenv("DRAFTER_API_KEY", "sk-cli-SECRET-77")
    recordings, recorded, replayed = tmp_path / "rec", tmp_path / "a.json", tmp_path / "b.json"
    with StubServer(responder=golden_responder(cases)) as stub:
        common = [
            "eval",
            "--cases",
            str(cases),
            "--model",
            "stub-model",
            "--base-url",
            stub.base_url,
        ]
        res = runner.invoke(
            app, [*common, "--record", "--recordings", str(recordings), "--out", str(recorded)]
        )
        assert res.exit_code == 0, res.output
        assert len(stub.requests) >= len(SUBSET)  # prose for every case (short: no facts call)
    assert not any("SECRET-77" in f.read_text(encoding="utf-8") for f in recordings.iterdir())
    # the server is gone and no key is set: only the recordings can answer
    monkeypatch.delenv("DRAFTER_API_KEY")
    res = runner.invoke(
        app, [*common, "--replay", "--recordings", str(recordings), "--out", str(replayed)]
    )
    assert res.exit_code == 0, res.output
    same = runner.invoke(app, ["eval", "--compare", str(recorded), str(replayed)])
    assert "没有差别" in same.stdout
    data = json.loads(replayed.read_text(encoding="utf-8"))
    assert {c["brief"]["provenance"]["engine"] for c in data["cases"]} == {"model"}

    # a prompt edited since recording: its calls have no recording, the run says which case
    import drafter.model.prompts

    edited = tmp_path / "prompts"
    shutil.copytree(drafter.model.prompts.prompts_dir(), edited)
    prose = edited / "write_prose.yaml"
    prose.write_text(
        prose.read_text(encoding="utf-8").replace("你是", "你是资深的", 1), encoding="utf-8"
    )
    monkeypatch.setattr(drafter.model.prompts, "prompts_dir", lambda: edited)
    res = runner.invoke(app, [*common, "--replay", "--recordings", str(recordings), "-j", "1"])
    assert res.exit_code == 2, res.output
    assert "找不到这次模型调用的录制" in res.stderr
    assert any(f"用例 {cid}" in res.stderr for cid in SUBSET)


def test_calibrate_prints_a_table_per_scorer(runner: CliRunner, cases: Path) -> None:
    res = runner.invoke(app, ["eval", "--calibrate", "--cases", str(cases)])
    assert res.exit_code == 0, res.output
    assert "评分项校准（3 个金标稿）" in res.output
    for name in ("lint_errors", "guard_errors", "attribution", "date_lead", "headline"):
        assert name in res.output
    assert "100%" in res.output


def test_grader_on_store_cases_reports_agreement_with_editors(
    runner: CliRunner, cases: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml
    from eval_stub import golden_responder

    from drafter.testing import StubServer

    for cid, decision in zip(SUBSET, ("accepted-as-is", "revised", "accepted-as-is"), strict=True):
        meta = cases / cid / "case.yaml"
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        data["tags"] = ["from-store", decision]
        meta.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("DRAFTER_API_KEY", "sk-cli-test")
    with StubServer(responder=golden_responder(cases)) as stub:
        res = runner.invoke(
            app,
            [
                "eval",
                "--cases",
                str(cases),
                "--model",
                "stub-model",
                "--base-url",
                stub.base_url,
                "--grader",
                "stub-model",
                "--grader-runs",
                "2",
            ],
        )
    assert res.exit_code == 0, res.output
    # the scripted grader passes everything: it agrees with the two accepted cases only
    assert "评分模型与编辑决定一致 67%" in res.output
    assert "模型放过而编辑修改 1 例" in res.output
