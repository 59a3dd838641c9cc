"""Shared fixtures. Every test runs with an isolated environment and user dirs.

``db_target`` gives a test a fresh store location on each backend (tests/db_targets.py):
the test runs twice, ``[sqlite]`` and ``[postgresql]``; the PostgreSQL half needs
``DRAFTER_TEST_PG`` (skips without it on a developer machine, fails in CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_targets import BACKENDS, IN_CI, PG_MISSING, PG_URL, DbTargets, PgServer

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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(why): SQLite by nature (a file, its lock, application_id); the"
        " [postgresql] case of a test using db_target is deselected, not skipped",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the [postgresql] case of ``sqlite_only`` tests: a skip would break CI's
    "nothing skipped" rule for a case that cannot exist."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("db_targets") if callspec else None
        if backend == "postgresql" and item.get_closest_marker("sqlite_only"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The PostgreSQL server of ``DRAFTER_TEST_PG``; skips (fails in CI) without it."""
    if not PG_URL:
        if IN_CI:
            pytest.fail(f"CI=true but {PG_MISSING}", pytrace=False)
        pytest.skip(PG_MISSING)
    server = PgServer(PG_URL)
    yield server
    server.close()


@pytest.fixture(scope="session", params=BACKENDS)
def db_targets(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> DbTargets:
    """Fresh store locations of one backend, for fixtures wider than one test."""
    scratch = tmp_path_factory.mktemp(f"db-{request.param}")
    if request.param == "postgresql":
        return DbTargets("postgresql", request.getfixturevalue("pg_server"), scratch)
    return DbTargets("sqlite", None, scratch)


@pytest.fixture
def db_target(db_targets: DbTargets, tmp_path: Path) -> Iterator[str | Path]:
    """A store no one has used, for ``drafter.Store(...)``, ``--db`` or ``DRAFTER_DB``,
    with drafter's current schema and no rows: a new SQLite file (a Path), or the URL of
    a new PostgreSQL database (a str), dropped afterwards."""
    target = db_targets.new(tmp_path)
    yield target
    db_targets.drop(target)
