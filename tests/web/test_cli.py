"""``drafter user …`` and ``drafter serve --demo`` (a real server on loopback, briefly)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from drafter.cli import app

runner = CliRunner()


def test_user_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    r = runner.invoke(
        app,
        [
            "user",
            "add",
            "zhang",
            "--role",
            "contributor",
            "--org",
            "北京抗癌协会",
            "--org",
            "北京市医学会",
            "--password-stdin",
            "--db",
            db,
        ],
        input="password123\n",
    )
    assert r.exit_code == 0, r.output
    assert "北京抗癌协会、北京市医学会" in r.output
    r = runner.invoke(
        app,
        ["user", "add", "li", "--role", "editor", "--db", db],
        input="password456\npassword456\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "list", "--db", db])
    assert "li\t编辑" in r.output and "zhang\t报送人" in r.output
    r = runner.invoke(
        app, ["user", "passwd", "li", "--password-stdin", "--db", db], input="short\n"
    )
    assert r.exit_code != 0 and "密码太短" in r.output
    r = runner.invoke(app, ["user", "disable", "zhang", "--db", db])
    assert r.exit_code == 0
    assert "已停用" in runner.invoke(app, ["user", "list", "--db", db]).output
    r = runner.invoke(
        app,
        ["user", "add", "x", "--role", "contributor", "--password-stdin", "--db", db],
        input="password123\n",
    )
    assert r.exit_code != 0 and "至少指定一个单位" in r.output


def test_help_and_lint_do_not_load_the_web_app() -> None:
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom drafter.cli import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "bad = [m for m in ('drafter.web', 'starlette', 'uvicorn', 'argon2') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_demo_prints_how_to_log_in_and_serves() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 30
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "admin" in line:
                break
        text = "".join(lines)
        assert "账号 baosong" in text and "账号 bianji" in text and "密码" in text, text
        for _ in range(100):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert r.status_code == 200 and "登录" in r.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
