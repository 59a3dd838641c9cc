"""Faithfulness: every entity of a draft must be found in its source."""

from drafter.guard.entities import Entity, extract_entities
from drafter.guard.faithfulness import check_faithfulness

__all__ = ["Entity", "check_faithfulness", "extract_entities"]
