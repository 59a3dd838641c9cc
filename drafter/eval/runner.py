"""The eval suite: run the drafting pipeline over cases and score every output.

Vocabulary (after inspect_ai): a *case* (:class:`~drafter.eval.scorers.Case`) is a raw
report plus expectations; running the pipeline on it gives a *sample*; *scorers*
(:data:`~drafter.eval.scorers.SCORERS`) turn a sample into *scores*. This module loads
the cases and runs them; the :class:`~drafter.eval.results.EvalRun` it returns, and its
comparison with a baseline or another run, are :mod:`drafter.eval.results`.

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
import logging
import os
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import ValidationError

from drafter.drafting.shorten import toc_shortener
from drafter.errors import EvalError, MissingRecordingError
from drafter.eval.results import CaseResult, EvalRun
from drafter.eval.scorers import SCORERS, Case, Sample, Score, Scorer
from drafter.issue.toc import Shortener, toc_line
from drafter.profile import Profile, load_profile
from drafter.resources import data_dir

if TYPE_CHECKING:
    from drafter.model.providers import ModelConfig

__all__ = ["default_cases_dir", "default_jobs", "evaluate", "load_cases"]

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class _Suite:
    """What every case of one run shares: the profile, the model, the scorers."""

    profile: Profile
    config: ModelConfig | None
    scorers: dict[str, Scorer]
    shorten: Shortener | None

    def run(self, case: Case, where: Path) -> CaseResult:
        """Draft and score one case; a replay without its recording stops the suite."""
        try:
            return self._draft_and_score(case, where)
        except MissingRecordingError as exc:
            context = {**exc.context, "case": case.id}
            raise MissingRecordingError(
                f"用例 {case.id}：{exc.message}", hint=exc.hint, **context
            ) from exc

    def _draft_and_score(self, case: Case, where: Path) -> CaseResult:
        from drafter.brieftext import parse_brief
        from drafter.drafting.pipeline import draft
        from drafter.ingest.report import load_report

        profile = self.profile
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
            brief = draft(report, profile=profile, config=self.config)
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
            sample.toc_line = toc_line(brief, profile=profile, shorten=self.shorten)
        return CaseResult(
            id=case.id,
            ok=True,
            scores=self._scores(sample),
            brief=brief,
            seconds=time.perf_counter() - started,
        )

    def _scores(self, sample: Sample) -> dict[str, Score]:
        scores: dict[str, Score] = {}
        for name, scorer in self.scorers.items():
            try:
                score = scorer(sample)
            except MissingRecordingError:
                raise
            except Exception as exc:  # a broken scorer fails its score, not the whole suite
                log.warning("scorer %s failed on case %s", name, sample.case.id, exc_info=True)
                score = Score(
                    value=0, passed=False, explanation=f"评分出错：{type(exc).__name__}: {exc}"
                )
            if score is not None:
                scores[name] = score
        return scores


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
    suite = _Suite(profile, config, scorers, toc_shortener(config, profile))
    started = time.perf_counter()

    def one(item: tuple[Case, Path]) -> CaseResult:
        result = suite.run(*item)
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
