"""Property: any issue built from clean briefs survives render .md/.txt → parse unchanged."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.issue import build_issue, parse_issue, render
from drafter.profile import load_profile
from drafter.schemas import Brief

_WORDS = ["科协", "学会", "召开", "举办", "工作", "会议", "专家", "技术", "服务", "创新",
          "发展", "科普", "活动", "代表", "交流", "培训", "青年", "社区", "标准", "论坛"]  # fmt: skip
_ORGS = ["北京气象学会", "北京植物学会", "海淀区科协", "延庆区科协", "科普部", "办公室", None]

_clause = st.lists(st.sampled_from(_WORDS), min_size=3, max_size=12).map("".join)


@st.composite
def _brief(draw: st.DrawFn) -> Brief:
    month, day = draw(st.integers(1, 5)), draw(st.integers(1, 28))
    org = draw(st.sampled_from(_ORGS))
    sentences = draw(st.lists(_clause, min_size=1, max_size=3))
    first = f"{month}月{day}日，" + "，".join(sentences) + "。"
    rest = draw(st.lists(_clause.map(lambda s: s + "。"), max_size=2))
    return Brief(
        headline=draw(_clause),
        paragraphs=[first, *rest],
        attribution=org,
        section="lead" if org is None else "societies",
        lead=org is None,
        kind=None if org is None else load_profile().resolve_org(org).kind,  # type: ignore[union-attr]
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(briefs=st.lists(_brief(), min_size=1, max_size=5, unique_by=lambda b: b.headline))
def test_render_parse_round_trip(briefs: list[Brief]) -> None:
    profile = load_profile()
    # Duplicates by near-identical text are refused on purpose; keep the distinct ones.
    from drafter.issue.build import find_duplicates

    dropped = {j for _, j, _ in find_duplicates(briefs)}
    briefs = [b for i, b in enumerate(briefs) if i not in dropped]
    issue = build_issue(
        briefs, profile=profile, date=dt.date(2026, 5, 18), editor="林晓", force=True
    )
    for fmt in ("md", "txt"):
        text = render(issue, fmt, profile=profile)
        assert isinstance(text, str)
        parsed = parse_issue(text, profile=profile)
        got = [(b.headline, b.paragraphs, b.attribution, b.lead) for b in parsed.briefs()]
        want = [(b.headline, b.paragraphs, b.attribution, b.lead) for b in issue.briefs()]
        assert got == want, fmt
        assert parsed.toc == issue.toc
        assert render(parsed, fmt, profile=profile) == text
