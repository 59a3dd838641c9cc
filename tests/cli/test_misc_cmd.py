"""`drafter schema` and `drafter profile`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from drafter.cli import app

runner = CliRunner()


def test_schema_prints_one_model() -> None:
    result = runner.invoke(app, ["schema", "brief"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["title"] == "Brief"
    assert "attribution" in schema["properties"]


def test_schema_unknown_name_exits_2_in_chinese() -> None:
    result = runner.invoke(app, ["schema", "nope"])
    assert result.exit_code == 2
    assert "没有名为" in result.stderr


def test_schema_write(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--write", str(tmp_path)])
    assert result.exit_code == 0
    assert {p.name for p in tmp_path.iterdir()} >= {"report.schema.json", "issue.schema.json"}


def test_profile_validates_and_prints(tmp_path: Path) -> None:
    result = runner.invoke(app, ["profile"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["bulletin"] == "科协每周动态"
    bad = tmp_path / "bad.toml"
    bad.write_text('bulletin = "x"\n', encoding="utf-8")
    result = runner.invoke(app, ["profile", "--profile", str(bad)])
    assert result.exit_code == 2
    assert "配置文件校验失败" in result.stderr
