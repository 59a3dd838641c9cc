"""``drafter draft`` and ``drafter check``: output, exit codes 0/1/2, batch mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli import app
from drafter.schemas import Brief

DISTRICT_REPORT = """\
---
org: 北京市怀柔区科学技术协会
kind: district
date: 2026-05-09
---
关于召开2026年全民科学素质工作会的情况报告

5月8日上午，我区科协召开2026年全民科学素质工作会。区科协党组书记、常务副主席王建国，\
区纲要办各成员单位主管领导和工作人员参加会议。

会上，王建国总结了2025年全区全民科学素质工作，部署了2026年重点任务。会议提出，\
要抓好5类重点人群和5项重点工程，推动科普资源向基层延伸。

下一步，我区科协将加强与各成员单位的沟通协作，推动各项任务落实落地。

联系人：李静
"""

SOCIETY_REPORT = """\
---
org: 北京气象学会
kind: society
---
北京气象学会召开团体标准审查会

6月3日上午，我会组织召开《城市内涝气象风险预警规范》团体标准审查会。\
到会专家共9人，会议由学会副理事长赵立新主持。

专家们逐条审阅了标准文本，一致同意通过审查，并提出了修改意见。\
我会将按照专家意见抓紧修改完善，尽快发布实施。
"""

HAND_BRIEF = """\
### 北京气象学会召开团体标准审查会

6月3日上午，北京气象学会组织召开《城市内涝气象风险预警规范》团体标准审查会。\
到会专家共9人，会议由学会副理事长赵立新主持。专家们逐条审阅了标准文本，一致同意通过审查。（北京气象学会）
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def district_file(tmp_path: Path) -> Path:
    path = tmp_path / "huairou.txt"
    path.write_text(DISTRICT_REPORT, encoding="utf-8")
    return path


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text


# -- draft: one report -------------------------------------------------------------------


def test_draft_offline_prints_a_ready_md_brief(runner: CliRunner, district_file: Path) -> None:
    result = runner.invoke(app, ["draft", str(district_file), "--model", "offline"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert lines[0].startswith("### ")
    assert lines[-1].endswith("。（怀柔区科协）")
    assert "我区" not in result.stdout
    assert "联系人" not in result.stdout


def test_draft_json_is_a_brief_with_fields_set_by_code(
    runner: CliRunner, district_file: Path
) -> None:
    result = runner.invoke(app, ["draft", str(district_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    brief = Brief.model_validate_json(result.stdout)
    assert brief.status == "ready"
    assert brief.provenance.engine == "offline"
    assert brief.attribution == "怀柔区科协"
    assert brief.section == "districts"
    assert brief.source_id is not None


def test_draft_reads_stdin_and_writes_out_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    result = runner.invoke(
        app,
        ["draft", "-", "--org", "北京气象学会", "--kind", "society", "--out", str(target)],
        input=SOCIETY_REPORT.split("---\n", 2)[2],
    )
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("### ") and text.rstrip().endswith("（北京气象学会）")


def test_draft_lead_story_has_no_attribution(runner: CliRunner, district_file: Path) -> None:
    result = runner.invoke(app, ["draft", str(district_file), "--lead", "--format", "json"])
    assert result.exit_code == 0, result.output
    brief = Brief.model_validate_json(result.stdout)
    assert (brief.lead, brief.section, brief.attribution) == (True, "lead", None)


@pytest.mark.parametrize(
    "args",
    [
        ["draft", "missing.txt"],
        ["draft", "{f}", "--date", "下周三"],
        ["draft", "{f}", "--kind", "club"],
        ["draft", "{f}", "--model", "gpt-x", "--api-key-env", "NO_SUCH_KEY_VAR"],
        ["draft", "{f}", "--model", "gpt-x", "--base-url", "ftp://example"],
        ["draft", "{f}", "--profile", "no-such-profile.toml"],
    ],
)
def test_draft_bad_input_exits_2_in_chinese(
    runner: CliRunner, district_file: Path, args: list[str]
) -> None:
    argv = [a.replace("{f}", str(district_file)) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    _no_traceback(result.output)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr) or "Usage" in result.output


def test_draft_empty_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["draft", str(empty)])
    assert result.exit_code == 2
    assert "错误" in result.stderr
    _no_traceback(result.output)


# -- draft: batch ------------------------------------------------------------------------


def test_batch_drafts_a_directory_then_skips_on_rerun(runner: CliRunner, tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "huairou.txt").write_text(DISTRICT_REPORT, encoding="utf-8")
    (src / "weather.md").write_text(SOCIETY_REPORT, encoding="utf-8")
    first = runner.invoke(app, ["draft", str(src), "--out", str(out), "--jobs", "2"])
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in out.iterdir()) == [
        "huairou.json",
        "huairou.md",
        "weather.json",
        "weather.md",
    ]
    stamp = (out / "huairou.md").stat().st_mtime_ns
    second = runner.invoke(app, ["draft", str(src), "--out", str(out)])
    assert second.exit_code == 0
    assert "跳过已完成 2" in second.stderr
    assert (out / "huairou.md").stat().st_mtime_ns == stamp


def test_batch_failure_is_isolated_and_summarized(runner: CliRunner, tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text(DISTRICT_REPORT, encoding="utf-8")
    (src / "blank.txt").write_text("   \n", encoding="utf-8")
    result = runner.invoke(app, ["draft", str(src / "*.txt"), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "blank.txt" in result.stderr and "失败" in result.stderr
    assert (out / "good.md").is_file()
    _no_traceback(result.output)


def test_batch_without_out_dir_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DISTRICT_REPORT, encoding="utf-8")
    result = runner.invoke(app, ["draft", str(tmp_path)])
    assert result.exit_code == 2
    assert "--out" in result.stderr


def test_batch_glob_matching_nothing_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["draft", str(tmp_path / "*.txt"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "没有找到" in result.stderr


# -- check --------------------------------------------------------------------------------


@pytest.fixture
def society_file(tmp_path: Path) -> Path:
    path = tmp_path / "weather.txt"
    path.write_text(SOCIETY_REPORT, encoding="utf-8")
    return path


def test_check_faithful_hand_brief_passes(
    runner: CliRunner, tmp_path: Path, society_file: Path
) -> None:
    brief = tmp_path / "brief.md"
    brief.write_text(HAND_BRIEF, encoding="utf-8")
    result = runner.invoke(app, ["check", str(brief), "--source", str(society_file)])
    assert result.exit_code == 0, result.output


def test_check_catches_an_invented_number(
    runner: CliRunner, tmp_path: Path, society_file: Path
) -> None:
    brief = tmp_path / "brief.md"
    brief.write_text(HAND_BRIEF.replace("共9人", "共19人"), encoding="utf-8")
    result = runner.invoke(
        app, ["check", str(brief), "--source", str(society_file), "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)
    guard = [f for f in findings if f["rule"].startswith("guard.")]
    assert any("19" in (f.get("excerpt") or "") for f in guard)


def test_check_without_source_lints_only(runner: CliRunner, tmp_path: Path) -> None:
    brief = tmp_path / "brief.md"
    brief.write_text(HAND_BRIEF.replace("，一致同意", ",一致同意"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(brief), "--format", "json"])
    assert result.exit_code == 1, result.output
    rules = {f["rule"] for f in json.loads(result.stdout)}
    assert rules and not any(r.startswith("guard.") for r in rules)


def test_check_missing_brief_exits_2(runner: CliRunner, society_file: Path) -> None:
    result = runner.invoke(app, ["check", "nope.md", "--source", str(society_file)])
    assert result.exit_code == 2
    _no_traceback(result.output)


# -- draft with a model: the stub server through the real client ---------------------------

STUB_FACTS = {
    "event_dates": [{"text": "6月3日上午", "date": "2026-06-03"}],
    "people": [{"name": "赵立新", "titles": ["学会副理事长"]}],
    "organizations": ["北京气象学会"],
    "numbers": [{"text": "9人", "about": "到会专家"}],
    "documents": ["城市内涝气象风险预警规范"],
}


def _stub_prose(experts: int) -> dict[str, object]:
    return {
        "headline": "北京气象学会召开团体标准审查会",
        "paragraphs": [
            "6月3日上午，北京气象学会组织召开《城市内涝气象风险预警规范》团体标准审查会。"
            f"到会专家共{experts}人，会议由学会副理事长赵立新主持。专家们逐条审阅了标准文本，"
            "一致同意通过审查。"
        ],
    }


@pytest.mark.parametrize(("experts", "code"), [(9, 0), (90, 1)])
def test_draft_with_model_exit_code_follows_status(
    runner: CliRunner,
    society_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    experts: int,
    code: int,
) -> None:
    from drafter.testing import Reply, StubRequest, StubServer

    def respond(request: StubRequest) -> Reply:
        if request.prompt_id == "extract_facts":
            return Reply.json(STUB_FACTS)
        return Reply.json(_stub_prose(experts))

    monkeypatch.setenv("STUB_KEY", "test-key-not-secret")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    with StubServer(responder=respond) as stub:
        result = runner.invoke(
            app,
            [
                "draft",
                str(society_file),
                "--model",
                "stub-model",
                "--base-url",
                stub.base_url,
                "--api-key-env",
                "STUB_KEY",
                "--method",
                "json_mode",
                "--max-repairs",
                "1",
            ],
        )
    assert result.exit_code == code, result.output
    assert result.stdout.startswith("### 北京气象学会召开团体标准审查会")
    assert result.stdout.rstrip().endswith("（北京气象学会）")
    if code == 1:
        assert "guard.number" in result.stderr and "人工审核" in result.stderr
    assert "test-key-not-secret" not in result.output


def test_check_text_output_points_at_the_files_line(
    runner: CliRunner, tmp_path: Path, society_file: Path
) -> None:
    brief = tmp_path / "brief.md"
    brief.write_text(HAND_BRIEF.replace("共9人", "共19人"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(brief), "--source", str(society_file)])
    assert result.exit_code == 1
    line = next(ln for ln in result.stdout.splitlines() if "[guard.number]" in ln)
    assert line.startswith(f"{brief}:3:")
    assert "19人" in result.stdout


def test_check_reads_a_brief_json(runner: CliRunner, tmp_path: Path, society_file: Path) -> None:
    drafted = runner.invoke(app, ["draft", str(society_file), "--format", "json"])
    assert drafted.exit_code == 0, drafted.output
    brief = tmp_path / "brief.json"
    brief.write_text(drafted.stdout, encoding="utf-8")
    result = runner.invoke(app, ["check", str(brief), "--source", str(society_file)])
    assert result.exit_code == 0, result.output


def test_draft_endpoint_failure_exits_3_without_traceback(
    runner: CliRunner, society_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import resources

    from drafter.testing import Reply, StubServer

    default = resources.files("drafter.profiles").joinpath("default.toml").read_text("utf-8")
    assert "max_retries = 3" in default
    no_retries = tmp_path / "profile.toml"
    no_retries.write_text(default.replace("max_retries = 3", "max_retries = 0"), "utf-8")
    monkeypatch.setenv("DRAFTER_API_KEY", "test-key-not-secret")
    with StubServer(responder=lambda request: Reply.error(500)) as stub:
        result = runner.invoke(
            app,
            [
                "draft",
                str(society_file),
                "--model",
                "stub-model",
                "--base-url",
                stub.base_url,
                "--profile",
                str(no_retries),
            ],
        )
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert "错误" in result.stderr
    _no_traceback(result.output)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["check", "draft"])
def test_check_and_offline_draft_never_import_langchain(
    command: str, tmp_path: Path, society_file: Path
) -> None:
    import subprocess
    import sys

    brief = tmp_path / "brief.md"
    brief.write_text(HAND_BRIEF, encoding="utf-8")
    argv = (
        ["check", str(brief), "--source", str(society_file)]
        if command == "check"
        else ["draft", str(society_file)]
    )
    code = (
        "import sys\n"
        "from drafter.cli import app\n"
        f"try:\n    app({argv!r}, prog_name='drafter')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('langchain_core', 'langchain_openai', 'openai'))\n"
        "print('HEAVY', heavy, 'CODE', code, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert "HEAVY [] CODE 0" in proc.stderr, proc.stderr[-2000:]


def test_draft_rerun_is_served_from_cache_unless_no_cache(
    runner: CliRunner, society_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drafter.testing import Reply, StubRequest, StubServer

    def respond(request: StubRequest) -> Reply:
        if request.prompt_id == "extract_facts":
            return Reply.json(STUB_FACTS)
        return Reply.json(_stub_prose(9))

    monkeypatch.setenv("DRAFTER_API_KEY", "test-key-not-secret")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    with StubServer(responder=respond) as stub:
        argv = ["draft", str(society_file), "--model", "stub-model", "--base-url", stub.base_url]
        counts = []
        for extra in ([], [], ["--no-cache"]):
            before = len(stub.requests)
            result = runner.invoke(app, [*argv, *extra])
            assert result.exit_code == 0, result.output
            counts.append(len(stub.requests) - before)
    assert counts == [1, 0, 1]  # a short report: prose only, no facts call


def test_draft_accepts_chinese_kind_and_date_forms(runner: CliRunner) -> None:
    body = DISTRICT_REPORT.split("---\n", 2)[2]
    result = runner.invoke(
        app,
        [
            "draft",
            "-",
            "--org",
            "北京市怀柔区科学技术协会",
            "--kind",
            "区科协",
            "--date",
            "2026年5月9日",
            "--format",
            "json",
        ],
        input=body,
    )
    assert result.exit_code == 0, result.output
    brief = Brief.model_validate_json(result.stdout)
    assert (brief.kind, brief.section, brief.attribution) == ("district", "districts", "怀柔区科协")


def test_draft_out_refuses_symlink_and_read_only_without_force(
    runner: CliRunner, district_file: Path, tmp_path: Path
) -> None:
    keep = tmp_path / "keep.md"
    keep.write_text("不能动", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(keep)
    result = runner.invoke(app, ["draft", str(district_file), "--out", str(link)])
    assert result.exit_code == 2
    assert "符号链接" in result.stderr and "--force" in result.stderr
    assert keep.read_text(encoding="utf-8") == "不能动"
    keep.chmod(0o444)
    result = runner.invoke(app, ["draft", str(district_file), "--out", str(keep)])
    assert result.exit_code == 2
    assert "只读" in result.stderr
    forced = runner.invoke(app, ["draft", str(district_file), "--out", str(keep), "--force"])
    assert forced.exit_code == 0, forced.output
    assert keep.read_text(encoding="utf-8").startswith("### ")


def test_batch_keeps_dotted_names_and_refuses_collisions(
    runner: CliRunner, tmp_path: Path
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for day in ("08", "09"):
        (src / f"2026.05.{day} 怀柔区科协.txt").write_text(DISTRICT_REPORT, encoding="utf-8")
    result = runner.invoke(app, ["draft", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.md")) == [
        "2026.05.08 怀柔区科协.md",
        "2026.05.09 怀柔区科协.md",
    ]
    (src / "2026.05.08 怀柔区科协.md").write_text(DISTRICT_REPORT, encoding="utf-8")
    clash = runner.invoke(app, ["draft", str(src), "--out", str(tmp_path / "out2")])
    assert clash.exit_code == 2
    assert "同一份输出" in clash.stderr and "2026.05.08 怀柔区科协.md" in clash.stderr
    _no_traceback(clash.output)
