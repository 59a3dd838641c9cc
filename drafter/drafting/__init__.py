"""The pipeline: engine → gates → repair → Brief, one report or many."""

from drafter.drafting.pipeline import check, draft

__all__ = ["check", "draft"]
