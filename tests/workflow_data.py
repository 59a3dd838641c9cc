"""Raw reports and briefs for the store and workflow tests, written in house style.

The reports read like what societies and districts send: first person, a report-style
title, a contact line. The briefs are what an editor would make of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Location, Provenance, Report, report_id_for

SOCIETY_REPORT = """\
关于召开团体标准专家评审会的情况报告

6月12日上午，我会在学会会议室召开《城市内涝风险预警服务规范》团体标准专家评审会。学会理事长周明远出席会议并讲话，来自高校和业务单位的9位专家参加评审。

周明远表示，标准编制要坚持问题导向，突出实用性。评审组听取了编制组的汇报，逐条审议了标准文本，一致同意通过评审。

联系人：孙老师 电话：010-12345678
"""

DISTRICT_REPORT = """\
怀柔区科协开展科技志愿服务进社区活动简讯

6月15日，我区科协组织科技志愿者走进泉河街道3个社区，开展应急科普宣传活动。活动共发放宣传材料600余份，服务居民200余人次。

区科协主席王立群表示，要持续推动科普资源下沉，让科学知识惠及更多群众。

图为活动现场
"""

GRASSROOTS_REPORT = """\
关于举办青年科技人员学术沙龙的报告

6月18日下午，北京理工示范大学科协举办第三期青年科技人员学术沙龙，主题为“智能传感与城市治理”。校科协副主席李思远主持活动，40余名青年教师参加交流。

与会人员围绕传感器研发、数据共享等议题展开讨论，并提出5条合作建议。
"""

REPORTS: dict[str, tuple[str, str, str]] = {
    # name: (text, org, kind)
    "society": (SOCIETY_REPORT, "北京气象学会", "society"),
    "district": (DISTRICT_REPORT, "北京市怀柔区科学技术协会", "district"),
    "grassroots": (GRASSROOTS_REPORT, "北京理工示范大学科协", "grassroots"),
}

_BRIEFS: dict[str, tuple[str, list[str], str, str]] = {
    # name: (headline, paragraphs, attribution, section)
    "society": (
        "北京气象学会召开团体标准专家评审会",
        [
            "6月12日上午，北京气象学会召开《城市内涝风险预警服务规范》团体标准专家评审会。"
            "学会理事长周明远出席会议并讲话，9位专家参加评审。",
            "周明远表示，标准编制要坚持问题导向，突出实用性。评审组逐条审议了标准文本，"
            "一致同意通过评审。",
        ],
        "北京气象学会",
        "societies",
    ),
    "district": (
        "怀柔区科协开展科技志愿服务进社区活动",
        [
            "6月15日，怀柔区科协组织科技志愿者走进泉河街道3个社区，开展应急科普宣传活动，"
            "发放宣传材料600余份，服务居民200余人次。",
            "区科协主席王立群表示，要持续推动科普资源下沉，让科学知识惠及更多群众。",
        ],
        "怀柔区科协",
        "districts",
    ),
    "grassroots": (
        "北京理工示范大学科协举办青年科技人员学术沙龙",
        [
            "6月18日下午，北京理工示范大学科协举办第三期青年科技人员学术沙龙。"
            "校科协副主席李思远主持活动，40余名青年教师参加交流。",
        ],
        "北京理工示范大学科协",
        "societies",
    ),
}


def write_report(directory: Path, name: str) -> Path:
    """Write one of the raw reports as a UTF-8 file with front matter for org and kind."""
    text, org, kind = REPORTS[name]
    path = directory / f"{name}.txt"
    path.write_text(f"---\norg: {org}\nkind: {kind}\n---\n{text}", encoding="utf-8")
    return path


def make_report(name: str, profile: Profile) -> Report:
    """A Report built directly (no ingest), for store-level tests."""
    text, org, kind = REPORTS[name]
    match = profile.resolve_org(org)
    return Report(
        id=report_id_for(text),
        text=text,
        title=text.splitlines()[0],
        org=org,
        org_short=match.short if match else None,
        kind=kind,  # type: ignore[arg-type]
        encoding="utf-8",
        source_path=f"{name}.txt",
    )


def make_brief(
    name: str, *, engine: str = "offline", findings: list[Finding] | None = None
) -> Brief:
    headline, paragraphs, attribution, section = _BRIEFS[name]
    _, _, kind = REPORTS[name]
    return Brief(
        headline=headline,
        paragraphs=list(paragraphs),
        attribution=attribution,
        section=section,
        kind=kind,  # type: ignore[arg-type]
        event_date=dt.date(2026, 6, 12),
        provenance=Provenance(engine=engine, model=None if engine == "offline" else "m-test"),  # type: ignore[arg-type]
        findings=findings or [],
    )


def fake_draft(report: Report, profile: Profile, model: str | None) -> Brief:
    """A deterministic stand-in for the drafting pipeline: the matching house-style brief."""
    for name, (text, _, _) in REPORTS.items():
        if text.strip() in report.text:
            return make_brief(name, engine="offline" if model is None else "model")
    raise AssertionError(f"unknown report: {report.text[:20]}")


def finding(rule: str, excerpt: str, severity: str = "error") -> Finding:
    return Finding(
        rule=rule,
        severity=severity,  # type: ignore[arg-type]
        message="测试用问题",
        location=Location(paragraph=0, start=0, end=len(excerpt)),
        excerpt=excerpt,
    )
