"""The optional model-graded scorer: a Chinese rubric, run k times, reported as pass^k.

Off by default (``drafter eval --grader MODEL``). Each of the k runs is an independent
call (:func:`drafter.model.chains.grade_brief` numbers them, so the cache and recordings keep
them apart); the score's value is the fraction of runs that passed and it *passes*
only when all k did (pass^k), the bar a brief must clear to be trusted unattended.
:func:`grader_agreement` measures the grader against editors' accept/revise decisions
on cases exported from the store (``drafter export-evals``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from drafter.errors import MissingRecordingError, ModelError
from drafter.eval.results import EvalRun
from drafter.eval.scorers import Case, Sample, Score, Scorer

if TYPE_CHECKING:
    from drafter.model.providers import ModelConfig

__all__ = [
    "EDITOR_TAGS",
    "GRADER_NAME",
    "GraderAgreement",
    "grader_agreement",
    "model_graded_scorer",
]

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


EDITOR_TAGS = {"accepted-as-is": True, "revised": False}
"""Tags ``drafter export-evals`` puts on a case: the editor's verdict on the draft."""


@dataclass(frozen=True)
class GraderAgreement:
    """The model grader's pass^k verdicts against editors' accept/revise decisions."""

    both_pass: int  # accepted as is, grader passed
    grader_only: int  # revised by the editor, grader passed (too lenient)
    editor_only: int  # accepted as is, grader failed (too strict)
    both_fail: int  # revised, grader failed
    unstable: list[str]  # cases whose k runs disagreed (0 < pass rate < 1)

    @property
    def cases(self) -> int:
        return self.both_pass + self.grader_only + self.editor_only + self.both_fail

    @property
    def agreement(self) -> float | None:
        return (self.both_pass + self.both_fail) / self.cases if self.cases else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: agreement beyond what the two pass rates give by chance."""
        n = self.cases
        if not n:
            return None
        observed = (self.both_pass + self.both_fail) / n
        grader_pass = (self.both_pass + self.grader_only) / n
        editor_pass = (self.both_pass + self.editor_only) / n
        chance = grader_pass * editor_pass + (1 - grader_pass) * (1 - editor_pass)
        return 1.0 if chance == 1 else (observed - chance) / (1 - chance)


def grader_agreement(run: EvalRun, cases: Sequence[Case]) -> GraderAgreement:
    """Compare each graded case's pass^k with the editor's decision in its tags.

    Cases without an editor tag or without a model grade are left out. Meaningful when
    the graded draft is the one the editor saw: run with the model and prompts that
    made the drafts (``--replay`` from their recordings where possible).
    """
    verdicts = {c.id: v for c in cases for t, v in EDITOR_TAGS.items() if t in c.tags}
    counts = {(True, True): 0, (False, True): 0, (True, False): 0, (False, False): 0}
    unstable: list[str] = []
    for result in run.cases:
        score = result.scores.get(GRADER_NAME)
        if score is None or result.id not in verdicts:
            continue
        counts[(verdicts[result.id], score.passed)] += 1
        if 0 < score.value < 1:
            unstable.append(result.id)
    return GraderAgreement(
        both_pass=counts[(True, True)],
        grader_only=counts[(False, True)],
        editor_only=counts[(True, False)],
        both_fail=counts[(False, False)],
        unstable=unstable,
    )
