"""Deterministic scorers: the similarity measures and each scorer's pass/fail."""

from __future__ import annotations

import pytest

from drafter.brieftext import edit_ratio
from drafter.eval.scorers import (
    SCORERS,
    Case,
    Sample,
    attribution,
    date_lead,
    golden_edit_ratio,
    golden_rouge_l,
    headline,
    length,
    must_mention,
    rouge_l_f1,
    score_toc_line,
    section,
)
from drafter.profile import Profile
from drafter.schemas import Brief, Report

BODY = (
    "5月8日，北京气象学会在京组织召开团体标准初审会，到会专家14人。专家们审阅了两个标准的"
    "相关内容，肯定了编制工作，并提出了修改建议。北京气象学会将督促编制组抓紧修改完善，"
    "尽快形成送审稿，推动行业标准化建设。"
)


def _sample(profile: Profile, **brief_kw: object) -> Sample:
    data: dict[str, object] = {
        "headline": "北京气象学会举行团体标准初审会",
        "paragraphs": [BODY],
        "attribution": "北京气象学会",
        "section": "societies",
    }
    data.update(brief_kw)
    brief = Brief.model_validate(data)
    report = Report(id="r1", text=BODY, org="北京气象学会", org_short="北京气象学会")
    case = Case(
        id="c1",
        report="report.txt",
        expected_attribution="北京气象学会",
        expected_section="societies",
        expected_date="5月8日",
        must_mention=["14人"],
    )
    return Sample(case=case, report=report, brief=brief, profile=profile, golden=brief)


def test_rouge_l_is_character_level() -> None:
    assert rouge_l_f1("北京气象学会", "北京气象学会") == pytest.approx(1.0)
    # unsegmented Chinese must not score 0 (rouge-chinese's pitfall)
    assert 0.5 < rouge_l_f1("北京气象学会召开会议", "北京气象学会举行会议") < 1.0
    assert rouge_l_f1("甲乙丙", "丁戊己") == 0.0
    assert rouge_l_f1("", "甲") == 0.0


def test_golden_edit_ratio_is_the_one_edit_ratio(profile: Profile) -> None:
    # The measure itself (bounds, symmetry, rendering) is tested in tests/test_brieftext.py.
    s = _sample(profile)
    same = golden_edit_ratio(s)
    assert same is not None and same.value == 0.0
    assert s.golden is not None
    s.golden = s.golden.model_copy(update={"headline": "北京气象学会举行团体标准评审会"})
    changed = golden_edit_ratio(s)
    assert changed is not None and 0 < changed.value < 0.5
    assert changed.value == round(edit_ratio(s.brief, s.golden), 4)


def test_toc_line_scorer_checks_the_line_it_is_given(profile: Profile) -> None:
    assert SCORERS["toc_line"] is score_toc_line
    s = _sample(profile)
    assert score_toc_line(s) is None  # not a lead story: no line to score
    s.toc_line = "北京气象学会举行初审会"
    good = score_toc_line(s)
    assert good is not None and good.passed and good.value == len(s.toc_line)
    s.toc_line = "北京气象学会举行团体标准初审会并发布年度报告。"
    bad = score_toc_line(s)
    assert bad is not None and not bad.passed
    assert "以标点结尾" in bad.explanation and "比标题还长" in bad.explanation


def test_good_sample_passes_field_scorers(profile: Profile) -> None:
    s = _sample(profile)
    for scorer in (attribution, section, date_lead, length, headline, must_mention):
        score = scorer(s)
        assert score is not None and score.passed, (scorer.__name__, score)
    rouge = golden_rouge_l(s)
    assert rouge is not None and rouge.value == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("scorer", "brief_kw"),
    [
        (attribution, {"attribution": "北京天文学会"}),
        (section, {"section": "districts"}),
        (date_lead, {"paragraphs": ["近日，" + BODY[5:]]}),
        (length, {"paragraphs": ["太短。"]}),
        (headline, {"headline": "北京气象学会举行团体标准初审会。"}),
        (headline, {"headline": "北京气象学会" * 8}),
        (must_mention, {"paragraphs": [BODY.replace("14人", "多人")]}),
    ],
)
def test_bad_sample_fails_the_scorer(profile: Profile, scorer, brief_kw) -> None:  # type: ignore[no-untyped-def]
    score = scorer(_sample(profile, **brief_kw))
    assert score is not None and not score.passed


def test_purpose_clause_before_the_date_is_allowed(profile: Profile) -> None:
    s = _sample(profile, paragraphs=["为推动行业标准化建设，" + BODY])
    score = date_lead(s)
    assert score is not None and score.passed


def test_scorers_without_expectation_do_not_apply(profile: Profile) -> None:
    s = _sample(profile)
    s.case = Case(id="c2", report="r.txt")
    assert attribution(s) is None and section(s) is None and must_mention(s) is None


# -- per-case thresholds ------------------------------------------------------------

REPORT = (
    "关于北京气象学会召开团体标准初审会的情况报告。各位会员：为推动行业标准化建设，"
    "我会于5月8日在京组织召开团体标准初审会，到会专家14人，会议由秘书长主持，会上首先"
    "介绍了标准编制背景。" + BODY
)


def _golden_sample(profile: Profile, paragraphs: list[str]) -> Sample:
    s = _sample(profile, paragraphs=paragraphs)
    s.report = Report(id="r1", text=REPORT, org="北京气象学会", org_short="北京气象学会")
    s.golden = Brief.model_validate({**s.brief.model_dump(), "paragraphs": [BODY]})
    return s


def test_rouge_l_threshold_is_the_unedited_report_opening(profile: Profile) -> None:
    from drafter.eval.scorers import rouge_floor

    good = golden_rouge_l(_golden_sample(profile, [BODY]))
    assert good is not None and good.passed and good.value == 1.0
    pasted = REPORT[: len(BODY)]
    bad = golden_rouge_l(_golden_sample(profile, [pasted]))
    assert bad is not None and not bad.passed
    s = _golden_sample(profile, [BODY])
    assert s.golden is not None
    assert bad.detail["threshold"] == round(rouge_floor(s.report, s.golden), 4)
    assert bad.detail["margin"] <= 0 < good.detail["margin"]


def test_rouge_l_threshold_is_capped_when_the_report_was_already_a_brief(
    profile: Profile,
) -> None:
    s = _sample(profile)  # the report is the golden's body word for word
    score = golden_rouge_l(s)
    assert score is not None and score.detail["threshold"] == 0.9 and score.passed


def test_length_bounds_narrow_around_the_golden(profile: Profile) -> None:
    s = _golden_sample(profile, [BODY])
    assert s.golden is not None
    g = s.golden.text_length()
    ok = length(s)
    assert ok.passed and ok.detail["threshold"] == [max(profile.limits.body_min, g // 2), 2 * g]
    long = length(_golden_sample(profile, [BODY, BODY + BODY[:10]]))
    assert not long.passed and long.detail["margin"] < 0
    no_golden = _sample(profile, paragraphs=[BODY, BODY + BODY[:10]])
    no_golden.golden = None  # without a golden only the profile's range applies
    assert length(no_golden).passed
