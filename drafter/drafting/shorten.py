"""目录提要 lines from the model: shortened by the model, kept only if faithful.

:func:`toc_shortener` gives :func:`drafter.issue.toc.toc_lines` its ``shorten``
callable: it asks :func:`drafter.model.chains.shorten_headline` for a lead story's
line and keeps it only if the faithfulness guard finds nothing in it that the brief
(headline and body) does not say. Whenever the model fails or invents, the callable
returns None and the issue uses its rule-based line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from drafter.errors import ModelError
from drafter.profile import Profile
from drafter.schemas import Brief, Finding

if TYPE_CHECKING:
    from drafter.model.providers import ModelConfig

__all__ = ["toc_line_errors", "toc_shortener"]

log = logging.getLogger(__name__)


def toc_line_errors(line: str, brief: Brief, profile: Profile) -> list[Finding]:
    """What the faithfulness guard finds in ``line`` that ``brief`` does not say (errors only)."""
    from drafter.guard.faithfulness import check_faithfulness

    source = brief.headline + "\n\n" + brief.body
    return [f for f in check_faithfulness(line, source, profile) if f.severity == "error"]


def toc_shortener(
    config: ModelConfig | None, profile: Profile
) -> Callable[[Brief], str | None] | None:
    """The model's 目录提要 line for a lead story, or None (use the rules).

    None when there is no model (``config`` None or offline). Otherwise a callable that
    returns the model's line, stripped, when the guard accepts it; None (with a logged
    warning) when the model call fails or the line says something its brief does not.
    """
    if config is None or config.is_offline:
        return None

    def shorten(brief: Brief) -> str | None:
        from drafter.model.chains import shorten_headline

        try:
            line, _stats = shorten_headline(brief.headline, brief.body, config)
        except ModelError as exc:
            log.warning("toc shortening failed, using the offline rules: %s", exc.message)
            return None
        line = line.strip().strip("。")
        if not line:
            return None
        errors = toc_line_errors(line, brief, profile)
        if errors:
            log.warning(
                "toc line %r introduces %s; using the offline line",
                line,
                ", ".join(f.excerpt or f.rule for f in errors),
            )
            return None
        return line

    return shorten
