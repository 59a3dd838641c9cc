"""Shared fixtures. Every test runs with an isolated environment and user dirs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_REFERENCE = REPO.parent / "shared" / "reference"

_ISOLATED_PREFIXES = ("DRAFTER_", "OPENAI_", "DEEPSEEK_", "DASHSCOPE_", "LANGCHAIN_", "LANGSMITH_")


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """No real keys, endpoints or user data leak into a test, and none leak out."""
    home = tmp_path_factory.mktemp("home")
    for key in list(os.environ):
        if key.startswith(_ISOLATED_PREFIXES):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("DRAFTER_DATA_DIR", str(home / "drafter-data"))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    for var in (
        "VISUAL",
        "EDITOR",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
    ):
        monkeypatch.delenv(var, raising=False)
    yield home


@pytest.fixture
def reference_issue() -> str:
    """The published reference issue from ../shared/reference (skip where absent)."""
    files = sorted(SHARED_REFERENCE.glob("*.txt")) if SHARED_REFERENCE.is_dir() else []
    if not files:
        pytest.skip(f"reference issue not available: {SHARED_REFERENCE} is absent (CI has it)")
    return files[0].read_text(encoding="utf-8")


@pytest.fixture
def profile():  # type: ignore[no-untyped-def]
    from drafter.profile import load_profile

    return load_profile()
