"""The browser tests' harness: Debian's Chromium under Playwright, and the newsroom served
on a free loopback port in a thread. Nothing is downloaded; without /usr/bin/chromium or
playwright the browser tests skip with the reason (CI installs both)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the closed network refuses Google's hosts
    "--disable-component-update",
    "--disable-sync",
    "--no-sandbox",  # CI runs as root
]
MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium missing (apt-get install chromium)"
    ),
]
"""``pytestmark`` of a browser test module."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` under uvicorn in a thread on a free loopback port; its base URL."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start within 10 s"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (the system's), closed afterwards."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def login(browser: Any, base: str, name: str, password: str, *, height: int = 860) -> Any:
    """A new browser context logged in as ``name``; its page."""
    context = browser.new_context(
        viewport={"width": 1280, "height": height}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button:has-text('登录')")
    return page


def screenshots_dir(tmp_path: Path) -> Path:
    """``$NEWSROOM_SCREENSHOTS`` when set (to refresh docs/screenshots), else a temp dir."""
    shots = Path(os.environ.get("NEWSROOM_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    return shots
