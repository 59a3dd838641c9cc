"""The optional model-graded scorer: a Chinese rubric, run k times, reported as pass^k.

Off by default (``drafter eval --grader MODEL``). Each of the k runs is an independent
call (:func:`drafter.model.chains.grade_brief` numbers them, so the cache and recordings keep
them apart); the score's value is the fraction of runs that passed and it *passes*
only when all k did (pass^k), the bar a brief must clear to be trusted unattended.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from drafter.errors import MissingRecordingError, ModelError
from drafter.eval.scorers import Sample, Score, Scorer

if TYPE_CHECKING:
    from drafter.model.providers import ModelConfig

__all__ = ["GRADER_NAME", "model_graded_scorer"]

log = logging.getLogger(__name__)

GRADER_NAME = "model_graded"
"""The scorer's name in results and baselines."""


def model_graded_scorer(config: ModelConfig, *, runs: int = 1) -> Scorer:
    """A scorer grading each sample ``runs`` times with the model of ``config``.

    A malformed answer counts as a failed run; a missing recording in replay mode is
    raised (the suite cannot be trusted without it); any other endpoint failure makes
    the score fail with the reason, so the rest of the suite still runs.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")

    def model_graded(sample: Sample) -> Score:
        from drafter.errors import OutputValidationError
        from drafter.model.chains import grade_brief

        verdicts: list[bool] = []
        scores: list[int] = []
        problems: list[str] = []
        for attempt in range(1, runs + 1):
            try:
                grade, _stats = grade_brief(sample.report, sample.brief, config, attempt=attempt)
            except MissingRecordingError:
                raise
            except OutputValidationError as exc:
                log.info("grader answer unusable (run %d): %s", attempt, exc.message)
                verdicts.append(False)
                problems.append(f"第{attempt}次评分输出格式不对")
                continue
            except ModelError as exc:
                return Score(
                    value=0,
                    passed=False,
                    explanation=f"评分模型调用失败：{exc.message}",
                    detail={"runs": runs, "error": type(exc).__name__},
                )
            # Both must hold: a model may say passed while scoring under the bar.
            verdicts.append(grade.passed and grade.score >= 4)
            scores.append(grade.score)
            problems.extend(grade.problems)
        passes = sum(verdicts)
        return Score(
            value=round(passes / runs, 4),
            passed=passes == runs,
            explanation=f"pass^{runs}：{passes}/{runs} 次通过"
            + (f"；{problems[0]}" if problems else ""),
            detail={"runs": runs, "passes": passes, "scores": scores, "problems": problems[:10]},
        )

    return model_graded
