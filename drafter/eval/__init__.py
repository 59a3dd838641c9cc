"""The eval suite: cases, scorers, grading, runner."""

from drafter.eval.runner import evaluate

__all__ = ["evaluate"]
