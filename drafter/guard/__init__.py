"""Faithfulness: every entity of a draft must be found in its source.

Claims that name nothing (一致认为, 首次) cannot be checked and are only warned
(``guard.claim``); instructions injected into a source are cut and reported
(``guard.injection``).
"""

from drafter.guard.entities import Entity, extract_entities
from drafter.guard.faithfulness import check_faithfulness

__all__ = ["Entity", "check_faithfulness", "extract_entities"]
