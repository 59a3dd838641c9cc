"""What every command shares: bug handling (exit 70, --debug), hints, --timeout."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import typer.main
from typer.testing import CliRunner

import drafter
from drafter.cli import app
from drafter.errors import EXIT_CODES, exit_code_for
from drafter.testing import Reply, StubServer

runner = CliRunner()


def _boom(*_args: object, **_kwargs: object) -> None:
    raise KeyError("a bug inside drafter")


def test_a_bug_is_exit_70_with_one_line_and_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRAFTER_DEBUG", raising=False)
    monkeypatch.setattr(drafter, "load_profile", _boom)
    result = runner.invoke(app, ["profile"])
    assert result.exit_code == 70
    assert result.stderr.strip().splitlines() == [
        "内部错误（程序缺陷，不是您的输入问题）：KeyError。"
        "请把所用命令和输入材料报给维护者；加 --debug（或设环境变量 DRAFTER_DEBUG=1）可看到详细信息。"
    ]
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("args", "env"), [(["--debug", "profile"], {}), (["profile"], {"DRAFTER_DEBUG": "1"})]
)
def test_debug_shows_the_traceback(
    args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drafter, "load_profile", _boom)
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 70
    assert "Traceback (most recent call last)" in result.stderr
    assert "KeyError: 'a bug inside drafter'" in result.stderr
    assert result.stderr.rstrip().endswith("可看到详细信息。")


def test_a_bug_in_a_sub_command_is_exit_70_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drafter, "load_profile", _boom)
    result = runner.invoke(app, ["issue", "toc", "nothing.md"])
    assert result.exit_code == 70
    assert "Traceback" not in result.output


def test_drafter_errors_and_usage_errors_keep_their_codes() -> None:
    assert runner.invoke(app, ["schema", "nope"]).exit_code == 2
    assert runner.invoke(app, ["draft", "--no-such-flag"]).exit_code == 2  # click's usage error
    assert runner.invoke(app, ["--help"]).exit_code == 0


def test_exit_70_is_in_the_one_table() -> None:
    assert EXIT_CODES[Exception] == 70
    assert exit_code_for(RuntimeError("bug")) == 70
    assert exit_code_for(drafter.ModelError("x")) == 3
    assert exit_code_for(drafter.InputError("x")) == 2


# -- hints name only real options ----------------------------------------------------------

_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_OTHER_TOOL = re.compile(r"pip install[^）)]*")  # another program's options


def _cli_options() -> set[str]:
    found: set[str] = set()

    def walk(command: click.Command) -> None:
        for param in command.params:
            found.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return found | {"--help"}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _user_strings() -> list[tuple[str, int, str]]:
    """Every string literal in drafter/ that a user reads: Chinese, not a docstring."""
    out = []
    for path in sorted(Path(drafter.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and _CJK.search(node.value)
            ):
                out.append((path.name, node.lineno, node.value))
    return out


def test_every_option_named_in_a_message_exists() -> None:
    options = _cli_options()
    assert {"--method", "--timeout", "--debug", "--base-url"} <= options
    named = [
        (where, line, option)
        for where, line, text in _user_strings()
        for option in _OPTION.findall(_OTHER_TOOL.sub("", text))
    ]
    assert len(named) > 10  # the scan sees the hints
    assert [n for n in named if n[2] not in options] == []


# -- --timeout: one deadline per brief -----------------------------------------------------


def test_timeout_stops_a_hanging_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    society_file = tmp_path / "report.txt"
    society_file.write_text(
        "北京气象学会\n\n6月3日上午，北京气象学会组织召开团体标准审查会，到会专家共9人。", "utf-8"
    )
    monkeypatch.setenv("DRAFTER_API_KEY", "test-key-not-secret")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    with StubServer(responder=lambda request: Reply.hang(30)) as stub:
        started = time.monotonic()
        result = runner.invoke(
            app,
            ["draft", str(society_file), "--model", "stub-model", "--base-url", stub.base_url,
             "--timeout", "1"],
        )  # fmt: skip
        spent = time.monotonic() - started
    assert result.exit_code == 3, result.output
    assert spent < 5
    assert "1 秒时限" in result.stderr and "已发出 1 次请求" in result.stderr
    assert "--timeout" in result.stderr


def test_timeout_option_is_on_draft_and_eval() -> None:
    root = typer.main.get_command(app)
    for name in ("draft", "eval"):
        command = root.commands[name]  # type: ignore[attr-defined]
        assert any("--timeout" in p.opts for p in command.params), name


def test_help_loads_neither_the_store_engine_nor_the_model_layer() -> None:
    """`drafter --help` and `drafter worker --help` stay quick: no SQLAlchemy, no LangChain."""
    code = (
        "import sys\n"
        "from drafter.cli import app\n"
        "for argv in (['--help'], ['worker', '--help']):\n"
        "    try:\n        app(argv, prog_name='drafter')\n"
        "    except SystemExit:\n        pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'alembic', 'psycopg', 'langchain_core', 'openai'})\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert "HEAVY []" in proc.stderr, proc.stderr[-2000:]


def test_worker_help_states_the_library_defaults() -> None:
    """The worker's options default to WorkerSettings; its help repeats those numbers."""
    text = " ".join(runner.invoke(app, ["worker", "--help"], terminal_width=200).stdout.split())
    defaults = drafter.WorkerSettings()
    assert f"缺省 {defaults.lease:g}" in text
    assert f"缺省 {defaults.poll:g}" in text
    assert f"缺省 {defaults.retry_delay:g}" in text
