"""Deterministic scorers for eval samples, in the Sample / Scorer / Score vocabulary.

A *scorer* takes a :class:`Sample` (the case, its report and the drafted brief) and
returns a :class:`Score`: a value, whether it passed, and a short explanation. Scorers
never call a model; the optional model-graded scorer lives in :mod:`drafter.eval.grading`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz.distance import LCSseq

from drafter.brieftext import edit_ratio, render_brief_md
from drafter.drafting.shorten import toc_line_errors
from drafter.profile import Profile
from drafter.schemas import Brief, OrgKind, Report

__all__ = [
    "SCORERS",
    "Case",
    "Sample",
    "Score",
    "Scorer",
    "length_bounds",
    "rouge_floor",
    "rouge_l_f1",
    "score_toc_line",
]

_CLOSING_PUNCT = "。，；：！？、.,;:!?"


class Case(BaseModel):
    """One eval case: a raw report plus what a good brief must show."""

    model_config = ConfigDict(extra="forbid")

    id: str
    report: str = Field(description="report file name, relative to the case directory")
    org: str | None = None
    kind: OrgKind | None = None
    title: str | None = None
    received: dt.date | None = Field(default=None, description="anchors relative dates")
    lead: bool | None = None
    expected_section: str | None = None
    expected_attribution: str | None = Field(
        default=None, description="short name; empty string = lead story, none expected"
    )
    expected_date: str | None = Field(default=None, description="date lead, e.g. 5月8日 or 近日")
    golden: str | None = Field(default=None, description="golden brief file (Markdown)")
    must_mention: list[str] = Field(default_factory=list)
    max_length: int | None = None
    tags: list[str] = Field(default_factory=list)
    note: str | None = Field(default=None, description="editor's note: what the golden cut, why")


@dataclass
class Sample:
    case: Case
    report: Report
    brief: Brief
    profile: Profile
    golden: Brief | None = None
    toc_line: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Score(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: float
    passed: bool
    explanation: str = ""
    detail: dict[str, Any] = Field(default_factory=dict)


Scorer = Callable[[Sample], Score | None]
"""A scorer returns None when it does not apply to the case (e.g. no golden brief)."""


def rouge_l_f1(candidate: str, reference: str) -> float:
    """Character-level ROUGE-L F1: Chinese needs no segmentation for this to mean something.

    (rouge-chinese on unsegmented text silently scores 0, so characters are the unit.)
    """
    cand = _chars(candidate)
    ref = _chars(reference)
    if not cand or not ref:
        return 0.0
    lcs = LCSseq.similarity(cand, ref)
    if lcs == 0:
        return 0.0
    p, r = lcs / len(cand), lcs / len(ref)
    return 2 * p * r / (p + r)


def _chars(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _full_text(brief: Brief) -> str:
    return render_brief_md(brief)


# -- scorers ---------------------------------------------------------------------


def schema_valid(s: Sample) -> Score:
    try:
        Brief.model_validate(s.brief.model_dump())
    except ValidationError as exc:
        return Score(value=0, passed=False, explanation=str(exc.errors()[0]["msg"]))
    return Score(value=1, passed=True)


def lint_errors(s: Sample) -> Score:
    from drafter.style import lint_brief

    findings = lint_brief(
        s.brief, s.profile, expected_attribution=None if s.brief.lead else s.report.org_short
    )
    errors = [f for f in findings if f.severity == "error"]
    per_rule = Counter(f.rule for f in errors)
    warnings = Counter(f.rule for f in findings if f.severity == "warning")
    return Score(
        value=len(errors),
        passed=not errors,
        explanation="；".join(f"{f.rule}: {f.message}" for f in errors[:3]),
        detail={"errors": dict(per_rule), "warnings": dict(warnings)},
    )


def guard_errors(s: Sample) -> Score:
    from drafter.guard.faithfulness import check_faithfulness

    findings = check_faithfulness(s.brief, s.report, s.profile, main_org=s.report.org_short)
    errors = [f for f in findings if f.severity == "error"]
    return Score(
        value=len(errors),
        passed=not errors,
        explanation="；".join(f"{f.rule}: {f.excerpt}" for f in errors[:5]),
        detail={"unsupported": [f.excerpt for f in errors]},
    )


def status_ready(s: Sample) -> Score:
    ok = s.brief.status == "ready"
    return Score(value=1 if ok else 0, passed=ok, explanation=s.brief.status)


def attribution(s: Sample) -> Score | None:
    expected = s.case.expected_attribution
    if expected is None:
        return None
    got = s.brief.attribution or ""
    ok = got == expected
    return Score(value=1 if ok else 0, passed=ok, explanation=f"期望“{expected}”，实际“{got}”")


def section(s: Sample) -> Score | None:
    expected = s.case.expected_section
    if expected is None:
        return None
    ok = s.brief.section == expected
    return Score(
        value=1 if ok else 0,
        passed=ok,
        explanation=f"期望 {expected}，实际 {s.brief.section}",
    )


_PURPOSE = re.compile(r"^为[^，。]{1,60}，")


def date_lead(s: Sample) -> Score | None:
    expected = s.case.expected_date
    if expected is None:
        return None
    first = _PURPOSE.sub("", s.brief.paragraphs[0])
    ok = first.startswith(expected)
    return Score(
        value=1 if ok else 0,
        passed=ok,
        explanation=f"首句应以“{expected}”开头：{first[:16]}…",
    )


def length_bounds(s: Sample) -> tuple[int, int]:
    """The body length a draft may have: the profile's range, narrowed around the golden.

    With a golden, a draft may be half to twice the editor's length (an editor who cut
    a report to 120 characters would not sign 300); calibration checks the golden's
    paraphrases stay inside and over-length mutants fall outside.
    """
    limits = s.profile.limits
    lower = limits.body_min
    upper = limits.lead_body_max if s.brief.lead else limits.body_max
    if s.case.max_length is not None:
        upper = min(upper, s.case.max_length)
    if s.golden is not None:
        g = s.golden.text_length()
        lower, upper = max(lower, g // 2), min(upper, 2 * g)
    return lower, upper


def length(s: Sample) -> Score:
    limits = s.profile.limits
    n = s.brief.text_length()
    lower, upper = length_bounds(s)
    paras = len(s.brief.paragraphs)
    ok = lower <= n <= upper and limits.paragraphs_min <= paras <= limits.paragraphs_max
    return Score(
        value=n,
        passed=ok,
        explanation=f"正文 {n} 字（{lower}–{upper}），{paras} 段",
        detail={"threshold": [lower, upper], "margin": min(n - lower, upper - n)},
    )


def headline(s: Sample) -> Score:
    h = s.brief.headline
    problems = []
    if h and h[-1] in _CLOSING_PUNCT:
        problems.append("标题以标点结尾")
    if len(h) > s.profile.limits.headline_max:
        problems.append(f"标题 {len(h)} 字，超过 {s.profile.limits.headline_max}")
    if len(h) < s.profile.limits.headline_min:
        problems.append(f"标题仅 {len(h)} 字")
    if "\n" in h:
        problems.append("标题换行")
    return Score(value=len(h), passed=not problems, explanation="；".join(problems))


def must_mention(s: Sample) -> Score | None:
    if not s.case.must_mention:
        return None
    text = _full_text(s.brief)
    missing = [m for m in s.case.must_mention if m not in text]
    found = len(s.case.must_mention) - len(missing)
    return Score(
        value=found / len(s.case.must_mention),
        passed=not missing,
        explanation="缺少：" + "、".join(missing) if missing else "",
    )


def rouge_floor(report: Report, golden: Brief) -> float:
    """The case's ROUGE-L threshold: what the unedited report, cut to the golden's length, scores.

    A draft that does no better than pasting the report's opening has not been edited;
    calibration checks every paraphrase of the golden clears this floor. Capped at
    :data:`ROUGE_FLOOR_MAX`: where the editor kept a short report nearly as sent, the
    opening *is* a good draft, and a paraphrase must still pass.
    """
    floor = rouge_l_f1(_chars(report.text)[: golden.text_length()], golden.body)
    return min(floor, ROUGE_FLOOR_MAX)


ROUGE_FLOOR_MAX = 0.9


def golden_rouge_l(s: Sample) -> Score | None:
    if s.golden is None:
        return None
    value = round(rouge_l_f1(s.brief.body, s.golden.body), 4)
    floor = round(rouge_floor(s.report, s.golden), 4)
    return Score(
        value=value,
        passed=value > floor,
        explanation=f"字级 ROUGE-L F1 {value:.3f}，本例阈值 {floor:.3f}（原稿截取同长度的得分）",
        detail={
            "threshold": floor,
            "margin": round(value - floor, 4),
            "golden_length": s.golden.text_length(),
            "draft_length": s.brief.text_length(),
        },
    )


def golden_edit_ratio(s: Sample) -> Score | None:
    if s.golden is None:
        return None
    value = edit_ratio(s.brief, s.golden)
    return Score(value=round(value, 4), passed=True, explanation="与金标稿的编辑比例（参考值）")


def score_toc_line(s: Sample) -> Score | None:
    """The 目录提要 line made for a lead story: short, no punctuation, nothing new."""
    if s.toc_line is None:
        return None
    line = s.toc_line
    problems = []
    if not line or line[-1] in _CLOSING_PUNCT:
        problems.append("目录行为空或以标点结尾")
    if len(line) > len(s.brief.headline):
        problems.append("目录行比标题还长")
    invented = [f.excerpt for f in toc_line_errors(line, s.brief, s.profile)]
    if invented:
        problems.append("目录行引入了标题和正文中没有的内容：" + "、".join(map(str, invented)))
    return Score(value=len(line), passed=not problems, explanation="；".join(problems))


SCORERS: dict[str, Scorer] = {
    "schema_valid": schema_valid,
    "status_ready": status_ready,
    "lint_errors": lint_errors,
    "guard_errors": guard_errors,
    "attribution": attribution,
    "section": section,
    "date_lead": date_lead,
    "length": length,
    "headline": headline,
    "must_mention": must_mention,
    "rouge_l": golden_rouge_l,
    "edit_ratio": golden_edit_ratio,
    "toc_line": score_toc_line,
}
"""Every deterministic scorer, by the name used in reports and baselines."""
