"""The offline engine: deterministic, extractive, rule-based drafting."""

from drafter.offline.engine import draft_offline

__all__ = ["draft_offline"]
