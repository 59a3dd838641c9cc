"""The import graph points one way: text ← ingest/style/guard ← offline/model ← drafting
← store/issue/eval ← cli.

Every ``import`` and ``from … import`` in drafter/ is read (module level, inside
functions and under ``TYPE_CHECKING`` alike) and checked against the layer table
below; docs/architecture.md explains the layers. A new package must be added here
before it can be imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "drafter"

# What each part of drafter may import, besides itself. "base" is what every stage
# shares: the data types, the profile, the error tree, the package data and brief text.
BASE = {"errors", "schemas", "profile", "resources", "brieftext"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "schemas": {"errors"},
    "profile": {"errors", "schemas", "text"},
    "resources": {"errors"},
    "brieftext": {"errors", "schemas", "profile", "text"},
    "text": {"errors", "schemas"},
    "ingest": BASE | {"text"},
    "style": BASE | {"text"},
    "guard": BASE | {"text"},
    "offline": BASE | {"text", "ingest", "style", "guard"},
    "model": BASE | {"text"},
    "drafting": BASE | {"text", "ingest", "style", "guard", "offline", "model"},
    "issue": BASE | {"text", "style", "guard"},
    "eval": BASE | {"text", "ingest", "style", "guard", "offline", "model", "drafting", "issue"},
    "store": BASE
    | {"text", "ingest", "style", "guard", "offline", "model", "drafting", "issue", "eval"},
    "samples": BASE | {"text", "ingest", "drafting", "issue"},
    "testing": BASE | {"text", "model", "drafting"},
    "profiles": set(),
}


def _part(module: str) -> str:
    """``drafter.store.database`` → ``store``; ``drafter`` → the public API."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("drafter")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "drafter":
                # ``from drafter import x`` is the public API, or a subpackage by name.
                found += [(node.lineno, f"drafter.{a.name}") for a in node.names]
            elif node.module.startswith("drafter."):
                found.append((node.lineno, node.module))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts)


def _violations(path: Path) -> list[str]:
    rel = path.relative_to(PACKAGE)
    here = rel.parts[0].removesuffix(".py")
    bad: list[str] = []
    for line, target in _imports(path):
        there = _part(target)
        if here == "__init__" or here == "__main__":
            continue  # the public API re-exports every layer; __main__ runs the CLI
        if here in ("cli", "web"):
            # The CLI is a client of the public API: ``drafter``, names imported from it
            # (``from drafter import draft``), and its own modules; no other module.
            modules = set(ALLOWED) | {"__main__"}
            if there in modules:
                bad.append(f"{rel}:{line} imports {target} (the {here} front end imports only `drafter`)")
            continue
        if there == here or there in ALLOWED.get(here, set()) or target == "drafter.__version__":
            continue
        bad.append(f"{rel}:{line}: {here} imports {target} ({there} is not below {here})")
    return bad


def test_every_part_of_drafter_is_in_the_layer_table() -> None:
    parts = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in _modules()}
    unknown = parts - set(ALLOWED) - {"__init__", "__main__", "cli", "web", "py"}
    assert not unknown, f"add these to ALLOWED in {Path(__file__).name}: {sorted(unknown)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    assert _violations(path) == []


def test_the_checker_catches_an_upward_import(tmp_path: Path) -> None:
    # The guard importing the store, and the CLI reaching past the public API: both caught.
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "bad.py").write_text("from drafter.store import Store\n", encoding="utf-8")
    cli = tmp_path / "cli"
    cli.mkdir()
    (cli / "bad.py").write_text(
        "def f():\n    from drafter.style.rules import RULES\n", encoding="utf-8"
    )
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        assert _violations(guard / "bad.py") == [
            "guard/bad.py:1: guard imports drafter.store (store is not below guard)"
        ]
        assert _violations(cli / "bad.py") == [
            "cli/bad.py:2 imports drafter.style.rules (the cli front end imports only `drafter`)"
        ]
    finally:
        PACKAGE = saved
