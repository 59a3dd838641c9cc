"""Few-shot examples: which accepted briefs the model is shown, in one policy.

Callers supply candidates (the store: every accepted brief of the report's kind,
newest first); :func:`select_examples` alone decides which are offered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from drafter.brieftext import render_brief_md
from drafter.profile import Profile
from drafter.schemas import Brief

__all__ = [
    "EXAMPLE_BUDGET_SHARE",
    "EXAMPLE_LIMIT",
    "EXAMPLE_TOKENS",
    "example_share",
    "select_examples",
]

EXAMPLE_LIMIT = 3
"""At most this many candidates are shortlisted."""

EXAMPLE_TOKENS = 1500
"""Tokens the shortlisted examples may take together."""

EXAMPLE_BUDGET_SHARE = 4
"""Few-shot examples may take at most 1/N of the model's context budget."""


def example_share(profile: Profile) -> int:
    """The tokens of the model's context that examples may take."""
    return profile.model.context_tokens // EXAMPLE_BUDGET_SHARE


def select_examples(
    candidates: Iterable[Brief],
    kind: str | None,
    *,
    share: int | None,
    limit: int = EXAMPLE_LIMIT,
    tokens: int = EXAMPLE_TOKENS,
    count: Callable[[str], int] | None = None,
) -> list[Brief]:
    """The examples to offer, from ``candidates`` in order of preference.

    Only briefs of ``kind`` (or of no kind) are considered; ``None`` considers any.
    The shortlist is the first ``limit`` of them that fit ``tokens`` together (one
    that does not fit is passed over: a shorter one further on may still fit). Of the
    shortlist, each brief that still fits ``share`` (the model's part of its context,
    :func:`example_share`; ``None``: no such cap) together with those before it is
    offered. ``candidates`` is read lazily, only until the shortlist is full; ``count``
    counts a brief's tokens (default :func:`drafter.model.tokens.count_tokens`).
    """
    chosen: list[Brief] = []
    shortlisted = shortlist_used = used = 0
    for brief in candidates:
        if shortlisted >= limit:
            break
        if kind is not None and brief.kind not in (None, kind):
            continue
        if count is None:
            from drafter.model.tokens import count_tokens

            count = count_tokens
        cost = count(render_brief_md(brief))
        if shortlist_used + cost > tokens:
            continue
        shortlisted += 1
        shortlist_used += cost
        if share is not None and used + cost > share:
            continue
        chosen.append(brief)
        used += cost
    return chosen
