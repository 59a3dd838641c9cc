"""Another bulletin is a profile change: name, sections, registry, words, limits, rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.profile import Profile, load_profile
from drafter.style import fix, lint
from drafter.style.document import parse_document

OTHER = """
id = "county"
bulletin = "青溪科协简报"
office = "青溪县科协办公室"
association = "青溪县科学技术协会"
association_short = "县科协"
first_person = ["本协会"]
sections = [
  { key = "towns", title = "【乡镇动态】", order = 1, kinds = ["district"] },
  { key = "groups", title = "【学会之窗】", order = 2, kinds = ["society"] },
]
[banned]
"圆满落幕" = "结束"
[limits]
headline_max = 20
[rules]
"lead.date" = "error"
"person.first" = "off"
[[orgs]]
short = "云溪镇科协"
kind = "district"
names = ["青溪县云溪镇科学技术协会"]
"""

ISSUE = """# 青溪科协简报

## 【乡镇动态】

### 云溪镇科协举办农技培训

近日，云溪镇科协举办农技培训，培训圆满落幕。我会将继续开展培训。（青溪县云溪镇科学技术协会）

## 【学会之窗】

### 青溪县茶叶学会召开年会

6月3日，青溪县茶叶学会召开年会，会员代表40人参加。（青溪县茶叶学会）
"""


@pytest.fixture
def other(tmp_path: Path) -> Profile:
    path = tmp_path / "county.toml"
    path.write_text(OTHER, encoding="utf-8")
    return load_profile(path)


def test_issue_detected_by_other_sections(other: Profile) -> None:
    doc = parse_document(ISSUE, other)
    assert doc.kind == "issue"
    assert [b.section for b in doc.briefs] == ["towns", "groups"]
    assert not any(b.lead for b in doc.briefs)


def test_registry_words_limits_and_grades_come_from_the_profile(
    other: Profile, profile: Profile
) -> None:
    findings = lint(ISSUE, other)
    by_rule = {f.rule: f for f in findings}
    assert by_rule["attribution.name"].replacement == "（云溪镇科协）"
    assert by_rule["words.banned"].replacement == "结束"
    assert by_rule["lead.date"].severity == "error"
    assert "person.first" not in by_rule  # switched off in this profile
    # The default profile does not know this town's association or these words
    default = {f.rule: f for f in lint(ISSUE, profile)}
    assert "attribution.name" not in default or (
        default["attribution.name"].replacement != "（云溪镇科协）"
    )
    assert "words.banned" not in default
    assert default["lead.date"].severity == "warning"
    assert default["person.first"].severity == "error"


def test_headline_limit_from_profile(other: Profile, profile: Profile) -> None:
    text = "### 青溪县茶叶学会召开第三届会员代表大会暨理事会换届选举会议\n\n6月3日，学会召开大会。（青溪县茶叶学会）\n"
    assert "headline.length" in {f.rule for f in lint(text, other)}
    assert "headline.length" not in {f.rule for f in lint(text, profile)}


def test_fix_is_the_same_mechanics_under_any_profile(other: Profile) -> None:
    assert "（云溪镇科协）" not in fix(ISSUE, other).text  # names are never changed
