"""The eval suite: run the drafting pipeline over cases and score every output.

Vocabulary (after inspect_ai): a *case* (:class:`~drafter.eval.scorers.Case`) is a raw
report plus expectations; running the pipeline on it gives a *sample*; *scorers*
(:data:`~drafter.eval.scorers.SCORERS`) turn a sample into *scores*. An :class:`EvalRun`
holds every case's scores and the aggregates, is written as JSON (top-level
``cases``), compared with a baseline (:func:`regressions`) and exported as JUnit XML.

A case directory looks like::

    evals/cases/<id>/case.yaml    # Case fields: org, kind, expected_* …, report, golden
    evals/cases/<id>/report.txt   # the raw report (any format ingest reads)
    evals/cases/<id>/golden.md    # optional golden brief

Model runs go through the chain with the config's ``recording_mode``: ``record``
writes every exchange under the recordings directory (keyed by model, messages,
parameters and schema; keys stripped, :class:`~drafter.model.cache.RecordingStore`),
``replay`` answers only from them, and a miss stops the suite with a
:class:`~drafter.errors.MissingRecordingError` naming the case. ``evaluate(grader=…)``
adds the model-graded scorer (:mod:`drafter.eval.grading`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drafter.errors import EvalError, MissingRecordingError
from drafter.eval.scorers import SCORERS, Case, Sample, Score, Scorer
from drafter.profile import Profile, load_profile
from drafter.resources import data_dir
from drafter.schemas import Brief

if TYPE_CHECKING:
    from drafter.model.providers import ModelConfig

__all__ = [
    "AGGREGATE_DIRECTION",
    "CaseResult",
    "EvalRun",
    "Regression",
    "compare_runs",
    "default_cases_dir",
    "default_jobs",
    "evaluate",
    "load_cases",
    "load_run",
    "regressions",
    "to_junit",
]

log = logging.getLogger(__name__)

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


def default_jobs(config: ModelConfig | None = None) -> int:
    """Threads for a run: the offline engine is CPU-bound Python (the GIL gains little
    past the core count); model calls wait on the network, so more overlap pays."""
    cores = os.cpu_count() or 2
    if config is None or config.is_offline:
        return min(cores, 4)
    return min(4 * cores, 16)


def default_cases_dir() -> Path:
    return data_dir("evals") / "cases"


def load_cases(directory: Path | None = None) -> list[tuple[Case, Path]]:
    """Every case under ``directory`` (default: the bundled ``evals/cases``), sorted by id."""
    root = directory or default_cases_dir()
    if not root.is_dir():
        raise EvalError(f"找不到评测用例目录：{root}", hint="用 --cases 指定目录", path=str(root))
    out: list[tuple[Case, Path]] = []
    for case_file in sorted(root.glob("*/case.yaml")):
        try:
            data = yaml.safe_load(case_file.read_text(encoding="utf-8")) or {}
            data.setdefault("id", case_file.parent.name)
            case = Case.model_validate(data)
        except (yaml.YAMLError, ValidationError) as exc:
            raise EvalError(
                f"评测用例格式错误：{case_file}：{exc}",
                hint="对照 evals/README.md 的字段说明修正",
                path=str(case_file),
            ) from exc
        if not (case_file.parent / case.report).is_file():
            raise EvalError(
                f"用例 {case.id} 缺少报告文件 {case.report}", path=str(case_file.parent)
            )
        out.append((case, case_file.parent))
    if not out:
        raise EvalError(f"{root} 下没有评测用例（*/case.yaml）", path=str(root))
    return out


def _run_case(
    case: Case,
    where: Path,
    profile: Profile,
    config: ModelConfig | None,
    scorers: dict[str, Scorer],
) -> CaseResult:
    """Draft and score one case; a replay without its recording stops the suite."""
    try:
        return _draft_and_score(case, where, profile, config, scorers)
    except MissingRecordingError as exc:
        context = {**exc.context, "case": case.id}
        raise MissingRecordingError(
            f"用例 {case.id}：{exc.message}", hint=exc.hint, **context
        ) from exc


def _draft_and_score(
    case: Case,
    where: Path,
    profile: Profile,
    config: ModelConfig | None,
    scorers: dict[str, Scorer],
) -> CaseResult:
    from drafter.brieftext import parse_brief
    from drafter.drafting.pipeline import draft
    from drafter.ingest.report import load_report

    started = time.perf_counter()
    try:
        report = load_report(
            where / case.report,
            profile=profile,
            org=case.org,
            kind=case.kind,
            title=case.title,
            date=case.received,
            lead=case.lead,
        )
        brief = draft(report, profile=profile, config=config)
    except MissingRecordingError:
        raise
    except Exception as exc:  # a failing case is a result, not a crash of the suite
        log.debug("case %s failed", case.id, exc_info=True)
        return CaseResult(
            id=case.id,
            ok=False,
            error=f"{type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - started,
        )
    golden = None
    if case.golden:
        golden_text = (where / case.golden).read_text(encoding="utf-8")
        golden = parse_brief(golden_text, profile=profile, lead=bool(brief.lead))
    sample = Sample(case=case, report=report, brief=brief, profile=profile, golden=golden)
    if brief.lead:
        sample.toc_line = _toc_line(brief, profile, config)
    scores: dict[str, Score] = {}
    for name, scorer in scorers.items():
        try:
            score = scorer(sample)
        except MissingRecordingError:
            raise
        except Exception as exc:  # a broken scorer fails its score, not the whole suite
            log.warning("scorer %s failed on case %s", name, case.id, exc_info=True)
            score = Score(
                value=0, passed=False, explanation=f"评分出错：{type(exc).__name__}: {exc}"
            )
        if score is not None:
            scores[name] = score
    return CaseResult(
        id=case.id, ok=True, scores=scores, brief=brief, seconds=time.perf_counter() - started
    )


def _toc_line(brief: Brief, profile: Profile, config: ModelConfig | None) -> str:
    from drafter.issue.toc import toc_line

    return toc_line(brief, profile=profile, config=config)


def _aggregate(results: Sequence[CaseResult]) -> dict[str, float]:
    names = sorted({n for r in results for n in r.scores})
    agg: dict[str, float] = {
        "cases": float(len(results)),
        "cases_passed": float(sum(r.passed for r in results)),
        "pipeline_ok_rate": round(sum(r.ok for r in results) / max(len(results), 1), 4),
    }
    for name in names:
        scores = [r.scores[name] for r in results if name in r.scores]
        agg[f"{name}.pass_rate"] = round(sum(s.passed for s in scores) / len(scores), 4)
        agg[f"{name}.mean"] = round(statistics.fmean(s.value for s in scores), 4)
    return agg


def evaluate(
    cases: Sequence[tuple[Case, Path]] | None = None,
    *,
    profile: Profile | None = None,
    config: ModelConfig | None = None,
    jobs: int | None = None,
    scorers: dict[str, Scorer] | None = None,
    grader: ModelConfig | None = None,
    grader_runs: int = 1,
    on_case: Callable[[CaseResult], None] | None = None,
) -> EvalRun:
    """Run the pipeline over ``cases`` (default: the bundled ones) and score each sample.

    ``jobs`` defaults to :func:`default_jobs`. ``grader`` adds the model-graded scorer
    (:mod:`drafter.eval.grading`), run ``grader_runs`` times per case and reported as pass^k.
    A missing recording in replay mode raises :class:`MissingRecordingError` naming
    the case; any other failure of a case is recorded on its result.
    """
    from drafter import __version__

    profile = profile or load_profile()
    cases = list(cases) if cases is not None else load_cases()
    scorers = dict(scorers if scorers is not None else SCORERS)
    if grader is not None:
        from drafter.eval.grading import GRADER_NAME, model_graded_scorer

        scorers[GRADER_NAME] = model_graded_scorer(grader, runs=grader_runs)
    jobs = jobs or default_jobs(config)
    started = time.perf_counter()

    def one(item: tuple[Case, Path]) -> CaseResult:
        result = _run_case(item[0], item[1], profile, config, scorers)
        if on_case is not None:
            on_case(result)
        return result

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        results = list(pool.map(one, cases))
    except BaseException:
        # e.g. a missing recording: the rest of the queue would only fail the same way
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    model = "offline" if config is None or config.is_offline else str(config.model)
    return EvalRun(
        drafter_version=__version__,
        model=model,
        profile=profile.id,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - started, 3),
        cases=results,
        aggregates=_aggregate(results),
    )


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
