"""The house-style profile: default contents, registry resolution, and another bulletin."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.errors import ProfileError
from drafter.profile import Profile, load_profile

OTHER_BULLETIN = """
id = "county"
bulletin = "科协工作简报"
office = "临安区科协办公室"
association = "杭州市临安区科学技术协会"
association_short = "区科协"
sections = [
  { key = "town", title = "【镇街动态】", order = 1, kinds = ["district"] },
  { key = "society", title = "【学会风采】", order = 2, kinds = ["society", "grassroots"] },
]
[[orgs]]
short = "锦城街道科协"
kind = "district"
names = ["杭州市临安区锦城街道科学技术协会", "锦城街道科学技术协会"]
"""


def test_default_profile_has_the_bulletin_and_sections(profile: Profile) -> None:
    assert profile.bulletin == "科协每周动态"
    assert profile.office == "北京市科协办公室"
    assert [s.title for s in profile.ordered_sections()] == [
        "【学会动态】",
        "【区科协动态】",
        "【“数字科协”工作动态】",
    ]
    assert profile.ordered_sections()[2].toc_title == "“数字科协”工作动态"
    assert len(profile.footer.distribution) == 4


@pytest.mark.parametrize(
    ("name", "short", "kind"),
    [
        ("北京市怀柔区科学技术协会", "怀柔区科协", "district"),
        ("怀柔区科学技术协会", "怀柔区科协", "district"),
        ("北京市科学技术协会", "市科协", "office"),
        ("北京市科协", "市科协", "office"),
        ("北京经济技术开发区科学技术协会", "经开区科协", "district"),
        ("北京气象学会", "北京气象学会", "society"),
        ("中国农业大学科学技术协会", "中国农业大学科协", "grassroots"),
        ("北京市科协科普部", "科普部", "department"),
        ("北京 抗癌协会", "北京抗癌协会", "society"),
    ],
)
def test_registry_resolves_formal_names_and_variants(
    profile: Profile, name: str, short: str, kind: str
) -> None:
    match = profile.resolve_org(name)
    assert match is not None, name
    assert (match.short, match.kind) == (short, kind)


def test_unknown_org_does_not_resolve(profile: Profile) -> None:
    assert profile.resolve_org("某某有限责任") is None
    assert profile.resolve_org("") is None


def test_sections_follow_report_kind(profile: Profile) -> None:
    assert profile.section_of("district") == "districts"
    assert profile.section_of("grassroots") == "societies"
    assert profile.section_of("department") == "digital"
    assert profile.section_of("district", lead=True) == "lead"
    assert profile.is_lead("office") and not profile.is_lead("district")
    assert profile.is_lead("district", flagged=True)
    # a lead-story kind not flagged as lead still gets a grouped section
    assert profile.section_of("office") == profile.ordered_sections()[0].key


def test_another_bulletin_is_a_profile_change(tmp_path: Path) -> None:
    path = tmp_path / "county.toml"
    path.write_text(OTHER_BULLETIN, encoding="utf-8")
    other = load_profile(path)
    assert other.bulletin == "科协工作简报"
    assert other.section_of("district") == "town"
    assert other.resolve_org("锦城街道科学技术协会").short == "锦城街道科协"  # type: ignore[union-attr]
    assert other.resolve_org("北京市怀柔区科学技术协会") is None  # no Beijing registry here
    assert other.resolve_org("杭州市临安区科学技术协会").short == "区科协"  # type: ignore[union-attr]


def test_profile_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="找不到配置文件"):
        load_profile(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("bulletin = [", encoding="utf-8")
    with pytest.raises(ProfileError, match="TOML"):
        load_profile(bad)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(OTHER_BULLETIN + '\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="colour"):
        load_profile(wrong)
    dup = tmp_path / "dup.toml"
    dup.write_text(OTHER_BULLETIN.replace('key = "society"', 'key = "town"'), encoding="utf-8")
    with pytest.raises(ProfileError, match="重复"):
        load_profile(dup)


def test_bad_pattern_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        OTHER_BULLETIN + '\n[[org_patterns]]\nregex = "([a-"\nshort = "x"\n', encoding="utf-8"
    )
    with pytest.raises(ProfileError, match="正则"):
        load_profile(path)


def test_a_copied_profile_resolves_against_its_own_registry(profile: Profile) -> None:
    assert profile.resolve_org("北京气象学会") is not None  # builds the original's cache
    emptied = profile.model_copy(update={"orgs": [], "org_patterns": []})
    assert emptied.resolve_org("北京气象学会") is None
    assert profile.resolve_org("北京气象学会") is not None
