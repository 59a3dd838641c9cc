"""The guard figures (benchmarks/guard_figures.py) on the fixture report set meet their targets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "guard_figures.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guard_figures", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["guard_figures"] = module
    spec.loader.exec_module(module)
    return module


def test_the_set_is_varied_enough() -> None:
    import tomllib

    with (_script().SET / "reports.toml").open("rb") as f:
        reports = tomllib.load(f)["report"]
    assert len(reports) >= 60
    kinds = {r["id"].split("-")[0] for r in reports}
    assert {"society", "district", "grassroots", "department", "office", "messy"} <= kinds


def test_few_false_alarms_and_every_planted_fabrication_is_named() -> None:
    figures = _script().measure()
    assert figures.false_share <= 0.05, figures.false_alarms
    assert figures.missed == []
    kinds = {
        "person", "title", "title_alone", "org", "org_list", "org_swap", "document",
        "number", "date", "count", "quote", "claim", "injection",
    }  # fmt: skip
    assert set(figures.planted) == kinds
    assert all(figures.caught[k] == n for k, n in figures.planted.items())
