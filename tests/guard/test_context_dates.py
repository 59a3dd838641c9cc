"""Bare days completed from the month before them (drafter.guard.context_dates)."""

from __future__ import annotations

import pytest

from drafter.guard.context_dates import completed_days
from drafter.guard.faithfulness import check_faithfulness
from drafter.profile import Profile


@pytest.mark.parametrize(
    ("text", "completed"),
    [
        ("时间：2026-11-25\n23日，怀柔区科协组织专家下乡。", [(2026, 11, 23)]),
        ("11月，区科协开展系列活动。23日，区科协邀请专家作报告。", [(None, 11, 23)]),
        ("2026年12月2日\n28日，区科协召开会议。", []),  # may be November's 28th
        ("每月23日开放。", []),
        ("5月23日，区科协召开会议。", []),
        ("23日，区科协召开会议。", []),  # no month anywhere before it
    ],
)
def test_a_bare_day_takes_the_month_before_it(
    text: str, completed: list[tuple[int | None, int, int]]
) -> None:
    assert [(d.year, d.month, d.day) for d in completed_days(text)] == completed


def test_the_guard_accepts_the_completed_date_and_no_other(profile: Profile) -> None:
    source = "11月，怀柔区科协开展系列活动。\n23日，区科协邀请专家走进怀柔区第一中学作报告。"
    ok = check_faithfulness("11月23日，怀柔区科协邀请专家作报告。", source, profile)
    assert [f for f in ok if f.severity == "error"] == []
    wrong = check_faithfulness("10月23日，怀柔区科协邀请专家作报告。", source, profile)
    assert [(f.rule, f.excerpt) for f in wrong if f.severity == "error"] == [
        ("guard.date", "10月23日")
    ]
