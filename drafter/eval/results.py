"""An eval run's results, and what they are compared with: baselines, other runs, JUnit.

:class:`EvalRun` holds every case's scores (:class:`CaseResult`) and the aggregates; it
is written as JSON (top-level ``cases``), read back with :func:`load_run`, committed as
a baseline (:func:`baseline_view`), checked for regressions against one
(:func:`regressions`), compared case by case with another run (:func:`compare_runs`)
and exported as JUnit XML (:func:`to_junit`). Running the cases is
:mod:`drafter.eval.runner`'s.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drafter.errors import EvalError
from drafter.eval.scorers import Score
from drafter.schemas import Brief

__all__ = [
    "AGGREGATE_DIRECTION",
    "CaseResult",
    "EvalRun",
    "Regression",
    "baseline_view",
    "compare_runs",
    "load_run",
    "regressions",
    "to_junit",
]

Direction = Literal["higher_is_better", "lower_is_better"]

# Aggregates that measure quality, and which way is better. Pass rates are all
# higher-is-better; means of lengths are descriptive and never a regression.
AGGREGATE_DIRECTION: dict[str, Direction] = {
    "pipeline_ok_rate": "higher_is_better",
    "rouge_l.mean": "higher_is_better",
    "edit_ratio.mean": "lower_is_better",
    "lint_errors.mean": "lower_is_better",
    "guard_errors.mean": "lower_is_better",
}


def _quality_direction(key: str) -> Direction | None:
    if key.endswith(".pass_rate"):
        return "higher_is_better"
    return AGGREGATE_DIRECTION.get(key)


class CaseResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    ok: bool = Field(description="the pipeline produced a brief (scores may still fail)")
    error: str | None = None
    scores: dict[str, Score] = Field(default_factory=dict)
    brief: Brief | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.ok and all(s.passed for s in self.scores.values())


class EvalRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    drafter_version: str
    model: str
    profile: str
    # A committed baseline leaves these out (they change every run).
    created: str = ""
    seconds: float = 0.0
    cases: list[CaseResult]
    aggregates: dict[str, float] = Field(default_factory=dict)

    @property
    def failed(self) -> list[CaseResult]:
        return [c for c in self.cases if not c.passed]


class Regression(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: str | None = Field(description="case id, or None for an aggregate")
    scorer: str
    before: float | bool | None
    after: float | bool | None
    message: str


def load_run(path: Path) -> EvalRun:
    try:
        return EvalRun.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalError(
            f"找不到评测结果文件：{path}",
            hint="先运行 drafter eval --update-baseline 生成基线",
            path=str(path),
        ) from exc
    except OSError as exc:
        raise EvalError(
            f"无法读取评测结果文件：{path}（{exc.strerror}）", hint="检查路径和权限", path=str(path)
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "（顶层）"
        raise EvalError(
            f"评测结果文件格式错误：{path}：{where} {first['msg']}",
            hint="应为 drafter eval --out 或 --update-baseline 写出的 JSON",
            path=str(path),
        ) from exc


def baseline_view(run: EvalRun) -> dict[str, Any]:
    """What a committed baseline keeps: scores and aggregates, not the briefs or timings."""
    data = run.model_dump(mode="json", exclude={"created", "seconds"})
    for case in data["cases"]:
        case.pop("brief", None)
        case.pop("seconds", None)
    return data


def regressions(run: EvalRun, baseline: EvalRun, *, tolerance: float = 0.02) -> list[Regression]:
    """What got worse: a scorer that passed and now fails, or an aggregate past tolerance."""
    out: list[Regression] = []
    before = {c.id: c for c in baseline.cases}
    for case in run.cases:
        old = before.get(case.id)
        if old is None:
            continue
        if old.ok and not case.ok:
            out.append(
                Regression(
                    case=case.id,
                    scorer="pipeline",
                    before=True,
                    after=False,
                    message=f"{case.id}：流水线失败：{case.error}",
                )
            )
            continue
        for name, score in old.scores.items():
            new = case.scores.get(name)
            if score.passed and (new is None or not new.passed):
                out.append(
                    Regression(
                        case=case.id,
                        scorer=name,
                        before=score.value,
                        after=None if new is None else new.value,
                        message=f"{case.id}：{name} 由通过变为未通过"
                        + (f"（{new.explanation}）" if new and new.explanation else ""),
                    )
                )
    for key, old_value in baseline.aggregates.items():
        direction = _quality_direction(key)
        if direction is None or key not in run.aggregates:
            continue
        new_value = run.aggregates[key]
        if direction == "lower_is_better":
            worse = new_value > old_value + tolerance
        else:
            worse = new_value < old_value - tolerance
        if worse:
            out.append(
                Regression(
                    case=None,
                    scorer=key,
                    before=old_value,
                    after=new_value,
                    message=f"汇总指标 {key} 由 {old_value} 变为 {new_value}（容差 {tolerance}）",
                )
            )
    return out


def compare_runs(a: EvalRun, b: EvalRun) -> list[dict[str, Any]]:
    """Per case and scorer, what changed between two runs (pass/fail or value)."""
    rows: list[dict[str, Any]] = []
    a_cases = {c.id: c for c in a.cases}
    b_cases = {c.id: c for c in b.cases}
    for cid in sorted(set(a_cases) | set(b_cases)):
        ca, cb = a_cases.get(cid), b_cases.get(cid)
        if ca is None or cb is None:
            rows.append({"case": cid, "scorer": "*", "a": ca is not None, "b": cb is not None})
            continue
        for name in sorted(set(ca.scores) | set(cb.scores)):
            sa, sb = ca.scores.get(name), cb.scores.get(name)
            va = None if sa is None else (sa.value, sa.passed)
            vb = None if sb is None else (sb.value, sb.passed)
            if va != vb:
                rows.append({"case": cid, "scorer": name, "a": va, "b": vb})
    return rows


def to_junit(run: EvalRun) -> str:
    """JUnit XML: one test case per eval case, a failure per failing scorer."""
    suite = ET.Element(
        "testsuite",
        name="drafter-eval",
        tests=str(len(run.cases)),
        failures=str(len(run.failed)),
        time=f"{run.seconds:.3f}",
    )
    for case in run.cases:
        tc = ET.SubElement(
            suite,
            "testcase",
            classname=f"drafter.eval.{run.model}",
            name=case.id,
            time=f"{case.seconds:.3f}",
        )
        if not case.ok:
            ET.SubElement(tc, "error", message=case.error or "").text = case.error
            continue
        for name, score in case.scores.items():
            if not score.passed:
                ET.SubElement(
                    tc, "failure", message=f"{name}: {score.explanation}"
                ).text = json.dumps(score.model_dump(), ensure_ascii=False)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)
