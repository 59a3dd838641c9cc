"""The one few-shot selection policy: kind, shortlist (count and tokens), the model's share."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hypothesis import given
from hypothesis import strategies as st

from drafter.brieftext import render_brief_md
from drafter.drafting.examples import EXAMPLE_LIMIT, EXAMPLE_TOKENS, example_share, select_examples
from drafter.profile import Profile
from drafter.schemas import Brief


def _brief(n: int, kind: str | None = "society", size: int = 20) -> Brief:
    return Brief(
        headline=f"示例标题{n}",
        paragraphs=["示" * size],
        attribution="某学会",
        section="societies",
        kind=kind,  # type: ignore[arg-type]
    )


def test_the_shortlist_is_the_first_few_that_fit_together() -> None:
    briefs = [_brief(1, size=50), _brief(2, size=500), _brief(3), _brief(4), _brief(5)]
    chosen = select_examples(briefs, "society", share=None, limit=3, tokens=200, count=len)
    assert chosen == [briefs[0], briefs[2], briefs[3]]  # the long one is passed over


def test_the_models_share_cuts_the_shortlist() -> None:
    briefs = [_brief(1, size=100), _brief(2, size=100), _brief(3, size=10)]
    share = len(render_brief_md(briefs[0])) + len(render_brief_md(briefs[2]))
    chosen = select_examples(briefs, "society", share=share, tokens=10_000, count=len)
    assert chosen == [briefs[0], briefs[2]]
    assert select_examples(briefs, "society", share=0, count=len) == []


def test_other_kinds_are_never_offered() -> None:
    briefs = [_brief(1, "district"), _brief(2, None), _brief(3, "society")]
    assert select_examples(briefs, "society", share=None, count=len) == briefs[1:]
    assert select_examples(briefs, None, share=None, count=len) == briefs


def test_candidates_are_read_only_until_the_shortlist_is_full() -> None:
    read: list[int] = []

    def candidates() -> Iterator[Brief]:
        for n in range(10):
            read.append(n)
            yield _brief(n)

    select_examples(candidates(), "society", share=None, limit=2, count=len)
    assert read == [0, 1, 2]


def test_defaults_are_the_drafting_policy(profile: Profile) -> None:
    assert (EXAMPLE_LIMIT, EXAMPLE_TOKENS) == (3, 1500)
    assert example_share(profile) == profile.model.context_tokens // 4
    briefs = [_brief(n) for n in range(5)]
    assert len(select_examples(briefs, "society", share=example_share(profile))) == 3


# -- the same result as the two selections it replaces -----------------------------------


def _store_selection(briefs: Sequence[Brief], limit: int, tokens: int) -> list[Brief]:
    """What ``store.feedback.few_shot_examples`` picked before (newest first given)."""
    chosen: list[Brief] = []
    used = 0
    for brief in briefs:
        if len(chosen) >= limit:
            break
        cost = len(render_brief_md(brief))
        if used + cost > tokens:
            continue
        chosen.append(brief)
        used += cost
    return chosen


def _drafting_selection(briefs: Sequence[Brief], kind: str, budget: int) -> list[Brief]:
    """What ``drafting.pipeline.select_examples`` then kept."""
    chosen: list[Brief] = []
    used = 0
    for brief in briefs:
        if brief.kind not in (None, kind):
            continue
        cost = len(render_brief_md(brief))
        if used + cost > budget:
            continue
        chosen.append(brief)
        used += cost
    return chosen


sizes = st.lists(st.tuples(st.integers(1, 400), st.sampled_from(["society", None])), max_size=8)


@given(sizes, st.integers(0, 4), st.integers(0, 1500), st.integers(0, 1500))
def test_one_selection_equals_the_store_then_drafting_selections(
    spec: list[tuple[int, str | None]], limit: int, tokens: int, share: int
) -> None:
    briefs = [_brief(n, kind, size) for n, (size, kind) in enumerate(spec)]
    before = _drafting_selection(_store_selection(briefs, limit, tokens), "society", share)
    now = select_examples(briefs, "society", share=share, limit=limit, tokens=tokens, count=len)
    assert now == before
