"""House style: the rule registry, the linter and the safe mechanical fixer.

``lint`` / ``lint_brief`` find problems; ``fix`` / ``fix_brief`` / ``fix_paragraph``
make the mechanical changes only. Nothing here imports jieba or the model layer, so
the ``lint`` and ``fix`` commands start fast.
"""

from __future__ import annotations

from drafter.style.document import detect_kind
from drafter.style.fix import Change, FixResult, fix, fix_brief, fix_paragraph
from drafter.style.lint import lint, lint_brief
from drafter.style.locate import finding_offset, locate_in_file
from drafter.style.rules import RULES, Rule, severity_map

__all__ = [
    "RULES",
    "Change",
    "FixResult",
    "Rule",
    "detect_kind",
    "finding_offset",
    "fix",
    "fix_brief",
    "fix_paragraph",
    "lint",
    "lint_brief",
    "locate_in_file",
    "severity_map",
]
