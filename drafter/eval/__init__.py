"""The eval suite: cases, scorers, grading, running them, and comparing the results.

:mod:`drafter.eval.scorers` defines a case and scores a sample, :mod:`drafter.eval.runner`
loads the cases and runs them, :mod:`drafter.eval.results` holds a run and compares it
with a baseline or another run, :mod:`drafter.eval.grading` is the optional model grader.
"""

from drafter.eval.calibration import Calibration, ScorerCalibration, calibrate
from drafter.eval.grading import GraderAgreement, grader_agreement
from drafter.eval.results import (
    CaseResult,
    EvalRun,
    Regression,
    baseline_view,
    compare_runs,
    load_run,
    regressions,
    to_junit,
)
from drafter.eval.runner import default_cases_dir, default_jobs, evaluate, load_cases
from drafter.eval.scorers import SCORERS, Case, Sample, Score, Scorer

__all__ = [
    "SCORERS",
    "Calibration",
    "Case",
    "CaseResult",
    "EvalRun",
    "GraderAgreement",
    "Regression",
    "Sample",
    "Score",
    "Scorer",
    "ScorerCalibration",
    "baseline_view",
    "calibrate",
    "compare_runs",
    "default_cases_dir",
    "default_jobs",
    "evaluate",
    "grader_agreement",
    "load_cases",
    "load_run",
    "regressions",
    "to_junit",
]
