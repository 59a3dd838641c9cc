"""``drafter user …`` and ``drafter serve --demo`` (a real server on loopback, briefly)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from drafter.cli import app

runner = CliRunner()


def test_user_commands(db_target: str | Path) -> None:
    db = str(db_target)
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


@pytest.mark.slow
def test_serve_on_the_configured_store_takes_and_drafts_a_submission(
    db_target: str | Path, csrf: Callable[[str], str]
) -> None:
    """A real server process on ``--db`` (SQLite file or PostgreSQL URL) with its worker."""
    import drafter

    db = str(db_target)
    r = runner.invoke(
        app,
        ["user", "add", "c1", "--role", "contributor", "--org", "北京抗癌协会",
         "--password-stdin", "--db", db],
        input="password123\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "serve", "--db", db, "--port", str(port),
         "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=5) as client:
            for _ in range(300):
                try:
                    page = client.get("/login")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.communicate()[0]
                    time.sleep(0.1)
            token = csrf(page.text)
            login = {"csrf": token, "name": "c1", "password": "password123"}
            resp = client.post("/login", data=login)
            assert resp.status_code == 303, resp.text
            token = csrf(client.get("/submit").text)
            text = "2026年5月8日，北京抗癌协会在北京举办肿瘤防治科普讲座，200余名市民参加。"
            resp = client.post(
                "/submit",
                data={"csrf": token, "org": "北京抗癌协会", "text": text, "action": "submit"},
            )
            assert resp.status_code == 303, resp.text
        deadline = time.monotonic() + 30
        while True:
            with drafter.Store(db_target) as store:
                (draft,) = store.list_drafts()
            if draft.status != "submitted" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert draft.status == "drafted" and draft.org == "北京抗癌协会"
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert "password123" not in output and "Traceback" not in output
