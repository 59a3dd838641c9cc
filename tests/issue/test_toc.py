"""目录提要: the offline shortening rules, section lines, and the guarded model path.

The model path is :func:`drafter.drafting.shorten.toc_shortener`, handed to
``toc_line`` / ``toc_lines`` as ``shorten``; drafter.issue itself never calls a model.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pytest

from drafter.drafting.shorten import toc_line_errors, toc_shortener
from drafter.issue import parse_issue, toc_lines
from drafter.issue.toc import shorten_headline_offline, toc_line
from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Issue


def test_reference_toc_is_reproduced_exactly(reference_issue: str, profile: Profile) -> None:
    issue = parse_issue(reference_issue, profile=profile)
    printed = list(issue.toc)
    assert len(printed) == 5
    assert toc_lines(issue, profile=profile) == printed
    assert printed[0] == "市科协与门头沟区政府战略合作协议签约仪式举办"
    assert printed[1] == "市人才工作局到市科协调研座谈"


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("2026年首都科技周系列活动——青年论坛暨北京市科协与延庆区政府签约仪式成功举办",
         "市科协与延庆区政府签约仪式举办"),
        ("北京市科学技术协会隆重召开第十次代表大会", "市科协召开第十次代表大会"),
        ("北京科协年度学术年会顺利闭幕", "市科协年度学术年会闭幕"),
        ("市科技局到市科协调研座谈", "市科技局到市科协调研座谈"),
        ("市科协总结推广学会改革成功经验", "市科协总结推广学会改革成功经验"),
        ("科普讲座——走进", "科普讲座——走进"),
    ],
)  # fmt: skip
def test_offline_rules(headline: str, expected: str, profile: Profile) -> None:
    assert shorten_headline_offline(headline, profile) == expected


def test_association_names_come_from_the_profile(profile: Profile) -> None:
    other = profile.model_copy(
        update={
            "association": "河北省科学技术协会",
            "association_short": "省科协",
            "association_aliases": ["河北省科协"],
        }
    )
    assert shorten_headline_offline("河北省科协召开常委会", other) == "省科协召开常委会"
    assert shorten_headline_offline("北京市科协召开常委会", other) == "北京市科协召开常委会"


def test_one_line_per_non_empty_section(built_issue: Issue, profile: Profile) -> None:
    emptied = built_issue.model_copy(
        update={
            "sections": [
                *built_issue.sections[:1],
                built_issue.sections[1].model_copy(update={"briefs": []}),
            ]
        }
    )
    lines = toc_lines(emptied, profile=profile)
    assert lines[len(built_issue.leads) :] == [built_issue.sections[0].title.strip("【】")]


def test_toc_ignores_a_toc_already_in_the_issue(built_issue: Issue, profile: Profile) -> None:
    stale = built_issue.model_copy(update={"toc": ["旧的目录提要"]})
    assert "旧的目录提要" not in toc_lines(stale, profile=profile)


# -- the model path -----------------------------------------------------------------


@dataclass
class _Config:
    is_offline: bool = False


def _install_fake_chain(monkeypatch: pytest.MonkeyPatch, answer: str) -> list[str]:
    calls: list[str] = []

    def shorten_headline(headline: str, body: str, config: object) -> tuple[str, object]:
        calls.append(headline)
        return answer, object()

    fake = types.ModuleType("drafter.model.chains")
    fake.shorten_headline = shorten_headline  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "drafter.model.chains", fake)
    return calls


def _install_fake_guard(monkeypatch: pytest.MonkeyPatch, unsupported: str | None) -> None:
    def check_faithfulness(line: str, source: str, profile: object = None) -> list[Finding]:
        if unsupported and unsupported in line and unsupported not in source:
            return [
                Finding(
                    rule="guard.org", severity="error", message="来源中没有", excerpt=unsupported
                )
            ]
        return []

    fake = types.ModuleType("drafter.guard.faithfulness")
    fake.check_faithfulness = check_faithfulness  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "drafter.guard.faithfulness", fake)


def _lead(fixture_briefs: list[Brief]) -> Brief:
    return next(b for b in fixture_briefs if b.attribution is None)


def test_model_line_is_used_when_faithful(
    monkeypatch: pytest.MonkeyPatch, fixture_briefs: list[Brief], profile: Profile
) -> None:
    calls = _install_fake_chain(monkeypatch, "市科协与延庆区共建科普基地")
    _install_fake_guard(monkeypatch, "海淀区")
    shorten = toc_shortener(_Config(), profile)  # type: ignore[arg-type]
    line = toc_line(_lead(fixture_briefs), profile=profile, shorten=shorten)
    assert line == "市科协与延庆区共建科普基地"
    assert calls == [_lead(fixture_briefs).headline]


def test_model_line_with_a_new_entity_falls_back(
    monkeypatch: pytest.MonkeyPatch, fixture_briefs: list[Brief], profile: Profile
) -> None:
    _install_fake_chain(monkeypatch, "市科协与海淀区共建科普基地")
    _install_fake_guard(monkeypatch, "海淀区")
    lead = _lead(fixture_briefs)
    shorten = toc_shortener(_Config(), profile)  # type: ignore[arg-type]
    line = toc_line(lead, profile=profile, shorten=shorten)
    assert line == shorten_headline_offline(lead.headline, profile)


def test_model_line_checked_by_the_real_guard(
    monkeypatch: pytest.MonkeyPatch, fixture_briefs: list[Brief], profile: Profile
) -> None:
    _install_fake_chain(monkeypatch, "市科协与延庆区签署8项共建协议")
    lead = _lead(fixture_briefs)
    assert toc_line_errors("市科协与延庆区签署8项共建协议", lead, profile)  # the real guard objects
    shorten = toc_shortener(_Config(), profile)  # type: ignore[arg-type]
    line = toc_line(lead, profile=profile, shorten=shorten)
    assert line == shorten_headline_offline(lead.headline, profile)


def test_no_model_call_when_offline(
    monkeypatch: pytest.MonkeyPatch, fixture_briefs: list[Brief], profile: Profile
) -> None:
    calls = _install_fake_chain(monkeypatch, "不应被调用")
    offline = toc_shortener(_Config(is_offline=True), profile)  # type: ignore[arg-type]
    toc_line(_lead(fixture_briefs), profile=profile, shorten=offline)
    toc_line(_lead(fixture_briefs), profile=profile, shorten=toc_shortener(None, profile))
    assert calls == []
    assert offline is None


def test_shorten_answer_replaces_the_rules_unless_empty(
    built_issue: Issue, fixture_briefs: list[Brief], profile: Profile
) -> None:
    assert built_issue.leads
    lead = _lead(fixture_briefs)
    rules = shorten_headline_offline(lead.headline, profile)
    assert (
        toc_line(lead, profile=profile, shorten=lambda b: "模型给出的目录行") == "模型给出的目录行"
    )
    assert toc_line(lead, profile=profile, shorten=lambda b: None) == rules
    assert toc_line(lead, profile=profile, shorten=lambda b: "") == rules
    lines = toc_lines(built_issue, profile=profile, shorten=lambda b: "【" + b.headline[:4])
    assert lines[: len(built_issue.leads)] == ["【" + b.headline[:4] for b in built_issue.leads]
    assert (
        lines[len(built_issue.leads) :]
        == toc_lines(built_issue, profile=profile)[len(built_issue.leads) :]
    )


def test_toc_line_of_one_lead_story(fixture_briefs: list[Brief], profile: Profile) -> None:
    from drafter.issue.toc import toc_line

    lead = _lead(fixture_briefs)
    assert toc_line(lead, profile=profile) == "市科协与延庆区政府共建科普基地签约仪式举办"
