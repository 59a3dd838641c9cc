"""``drafter lint``, ``drafter fix`` and ``drafter rules``: output, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli import app
from drafter.style import RULES

DATA = Path(__file__).resolve().parent.parent / "style" / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "brief.md"
    path.write_text((DATA / "brief_damaged.md").read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.md"
    path.write_text((DATA / "brief_clean.md").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_lint_clean_exits_0(runner: CliRunner, clean: Path) -> None:
    res = runner.invoke(app, ["lint", str(clean)])
    assert res.exit_code == 0, res.output
    assert "错误 0" in res.stdout


def test_lint_damaged_exits_1_with_readable_findings(runner: CliRunner, damaged: Path) -> None:
    res = runner.invoke(app, ["lint", str(damaged)])
    assert res.exit_code == 1
    assert f"{damaged}:3:" in res.stdout  # file:line
    assert "punct.halfwidth" in res.stdout and "错误" in res.stdout
    assert "“,” → “，”" in res.stdout


def test_lint_json(runner: CliRunner, damaged: Path, clean: Path) -> None:
    res = runner.invoke(app, ["lint", "--format", "json", str(damaged), str(clean)])
    assert res.exit_code == 1
    rows = json.loads(res.stdout)
    assert rows and {r["file"] for r in rows} == {str(damaged)}
    for r in rows:
        assert {"rule", "severity", "message", "location", "file"} <= set(r)
        assert r["rule"] in RULES
        assert {"paragraph", "start", "end", "line"} <= set(r["location"])


def test_lint_profile_option_regrades(runner: CliRunner, damaged: Path, tmp_path: Path) -> None:
    default = Path(__file__).resolve().parents[2] / "drafter" / "profiles" / "default.toml"
    text = default.read_text(encoding="utf-8").replace(
        "[rules]\n", '[rules]\n"space.cjk" = "info"\n"space.extra" = "off"\n', 1
    )
    prof = tmp_path / "p.toml"
    prof.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["lint", "--format", "json", "--profile", str(prof), str(damaged)])
    rows = json.loads(res.stdout)
    assert {r["severity"] for r in rows if r["rule"] == "space.cjk"} == {"info"}
    assert not [r for r in rows if r["rule"] == "space.extra"]


def test_fix_prints_text_and_changes(runner: CliRunner, damaged: Path) -> None:
    res = runner.invoke(app, ["fix", str(damaged)])
    assert res.exit_code == 0
    assert res.stdout == (DATA / "brief_clean.md").read_text(encoding="utf-8")
    assert "[punct.halfwidth]" in res.stderr and "共修改" in res.stderr
    assert damaged.read_text(encoding="utf-8") == (DATA / "brief_damaged.md").read_text(
        encoding="utf-8"
    )  # not written without --write


def test_fix_diff(runner: CliRunner, damaged: Path) -> None:
    res = runner.invoke(app, ["fix", "--diff", str(damaged)])
    assert res.exit_code == 0
    assert res.stdout.startswith("---") and "\n+6月12日，" in res.stdout


def test_fix_write_then_lint_clean(runner: CliRunner, damaged: Path) -> None:
    res = runner.invoke(app, ["fix", "--write", str(damaged)])
    assert res.exit_code == 0
    assert runner.invoke(app, ["lint", str(damaged)]).exit_code == 0
    again = runner.invoke(app, ["fix", "--write", str(damaged)])
    assert "共修改 0 处" in again.stderr


def test_fix_write_gb18030_reports_encoding(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    src = (DATA / "brief_damaged.md").read_text(encoding="utf-8")
    path.write_bytes(src.encode("gb18030"))
    res = runner.invoke(app, ["fix", "--write", str(path)])
    assert res.exit_code == 0
    assert "GB18030" in res.stderr and "UTF-8" in res.stderr
    assert path.read_text(encoding="utf-8") == (DATA / "brief_clean.md").read_text(encoding="utf-8")


def test_write_and_diff_together_is_bad_input(runner: CliRunner, damaged: Path) -> None:
    res = runner.invoke(app, ["fix", "--write", "--diff", str(damaged)])
    assert res.exit_code == 2
    assert "不能同时使用" in res.stderr


@pytest.mark.parametrize("cmd", ["lint", "fix"])
def test_bad_input_exits_2_without_traceback(
    runner: CliRunner, tmp_path: Path, cmd: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02PNG" * 20)
    big = tmp_path / "big.md"
    big.write_bytes("科".encode() * (5 * 1024 * 1024 // 3 + 1))
    cases = {
        empty: "空",
        binary: "二进制",
        tmp_path: "目录",
        tmp_path / "missing.md": "找不到",
        big: "过大",
    }
    for path, words in cases.items():
        res = runner.invoke(app, [cmd, str(path)])
        assert res.exit_code == 2, (path, res.output)
        assert words in res.stderr
        assert "Traceback" not in res.output
        assert res.exception is None or isinstance(res.exception, SystemExit)


def test_bom_and_mixed_line_endings(runner: CliRunner, tmp_path: Path) -> None:
    src = (DATA / "brief_clean.md").read_text(encoding="utf-8")
    path = tmp_path / "bom.md"
    lines = src.split("\n")
    mixed = "\r\n".join(lines[:3]) + "\n" + "\n".join(lines[3:])
    path.write_bytes(b"\xef\xbb\xbf" + mixed.encode("utf-8"))
    res = runner.invoke(app, ["lint", str(path)])
    assert res.exit_code == 0, res.output
    assert "BOM" in res.stderr and "换行符" in res.stderr


def test_bad_profile_exits_2(runner: CliRunner, clean: Path, tmp_path: Path) -> None:
    default = Path(__file__).resolve().parents[2] / "drafter" / "profiles" / "default.toml"
    text = default.read_text(encoding="utf-8").replace(
        "[rules]\n", '[rules]\n"punct.halfwidth" = "off"\n', 1
    )
    prof = tmp_path / "std_off.toml"
    prof.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["lint", "--profile", str(prof), str(clean)])
    assert res.exit_code == 2
    assert "punct.halfwidth" in res.stderr and "提示" in res.stderr


def test_rules_lists_every_rule(runner: CliRunner) -> None:
    res = runner.invoke(app, ["rules"])
    assert res.exit_code == 0
    for rule_id in RULES:
        assert rule_id in res.stdout
    rows = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert [r["id"] for r in rows] == list(RULES)
    assert {"id", "severity", "tier", "autofix", "reason"} <= set(rows[0])


RAW_REPORT = """\
---
org: 北京市怀柔区科学技术协会
kind: district
date: 2026-05-09
---
关于召开2026年全民科学素质工作会的情况报告

5月8日上午,我区科协召开2026年全民科学素质工作会.
"""


def test_fix_write_leaves_front_matter_untouched(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(RAW_REPORT, encoding="utf-8")
    result = runner.invoke(app, ["fix", str(path), "--write"])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    head = RAW_REPORT.split("关于", 1)[0]
    assert text.startswith(head)
    assert text.endswith("5月8日上午，我区科协召开2026年全民科学素质工作会。\n")
    assert f"{path}:8:" in result.stderr  # line numbers count the front matter


def test_fix_write_keeps_mode_and_refuses_read_only_without_force(
    runner: CliRunner, damaged: Path
) -> None:
    damaged.chmod(0o640)
    before = damaged.read_text(encoding="utf-8")
    damaged.chmod(0o440)
    refused = runner.invoke(app, ["fix", str(damaged), "--write"])
    assert refused.exit_code == 2
    assert "只读" in refused.stderr and "--force" in refused.stderr
    assert damaged.read_text(encoding="utf-8") == before
    forced = runner.invoke(app, ["fix", str(damaged), "--write", "--force"])
    assert forced.exit_code == 0, forced.output
    assert damaged.read_text(encoding="utf-8") != before
    assert damaged.stat().st_mode & 0o777 == 0o440


def test_fix_write_refuses_a_symlink_without_force(runner: CliRunner, damaged: Path) -> None:
    link = damaged.with_name("link.md")
    link.symlink_to(damaged)
    before = damaged.read_text(encoding="utf-8")
    result = runner.invoke(app, ["fix", str(link), "--write"])
    assert result.exit_code == 2
    assert "符号链接" in result.stderr
    assert damaged.read_text(encoding="utf-8") == before
