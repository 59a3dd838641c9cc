"""Faithfulness: every entity of a draft must be found in its source."""

from drafter.guard.faithfulness import Entity, check_faithfulness, extract_entities

__all__ = ["Entity", "check_faithfulness", "extract_entities"]
