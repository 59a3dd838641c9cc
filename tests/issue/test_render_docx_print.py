"""What makes the .docx print like the bulletin: spacing, fonts, lines kept together."""

from __future__ import annotations

import io

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from drafter.issue import render
from drafter.issue.render_docx_print import WORD_JOINER, glue_attribution
from drafter.profile import Fonts, Profile
from drafter.schemas import Issue


def _doc(issue: Issue, profile: Profile):  # type: ignore[no-untyped-def]
    data = render(issue, "docx", profile=profile)
    assert isinstance(data, bytes)
    return Document(io.BytesIO(data))


def test_east_asian_auto_spacing_is_off(built_issue: Issue, profile: Profile) -> None:
    normal = _doc(built_issue, profile).styles["Normal"].element.pPr
    assert normal.find(qn("w:autoSpaceDE")).get(qn("w:val")) == "0"
    assert normal.find(qn("w:autoSpaceDN")).get(qn("w:val")) == "0"
    assert normal.find(qn("w:widowControl")) is not None  # no widow or orphan lines


def test_font_table_carries_the_profiles_stand_ins(built_issue: Issue, profile: Profile) -> None:
    doc = _doc(built_issue, profile)
    table = parse_xml(doc.part.part_related_by(RT.FONT_TABLE).blob)
    alt = {
        f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
        for f in table.findall(qn("w:font"))
        if f.find(qn("w:altName")) is not None
    }
    assert alt["仿宋_GB2312"] == "仿宋,FangSong,Noto Serif CJK SC"
    assert alt["方正小标宋简体"] == "华文中宋,宋体,Noto Serif CJK SC"
    assert alt["楷体_GB2312"] == "楷体,KaiTi,Noto Serif CJK SC"
    assert alt["黑体"] == "SimHei,Noto Sans CJK SC"


def test_other_fonts_in_the_profile_are_used(built_issue: Issue, profile: Profile) -> None:
    fonts = Fonts(body=["方正仿宋_GBK", "仿宋"])
    doc = _doc(built_issue, profile.model_copy(update={"fonts": fonts}))
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "方正仿宋_GBK"


def test_attribution_is_glued_to_the_end_of_its_paragraph(
    built_issue: Issue, profile: Profile
) -> None:
    assert glue_attribution("会议召开。（办公室）", "办公室") == "会议召" + WORD_JOINER.join(
        "开。（办公室）"
    )
    assert glue_attribution("会议召开。", None) == "会议召开。"
    doc = _doc(built_issue, profile)
    signed = [b for b in built_issue.briefs() if b.attribution]
    texts = [p.text for p in doc.paragraphs]
    for b in signed:
        glued = WORD_JOINER.join(f"（{b.attribution}）")
        assert sum(glued in t for t in texts) == 1
    settings = doc.settings.element
    for tag in ("w:noLineBreaksBefore", "w:noLineBreaksAfter"):
        el = settings.find(qn(tag))
        assert el.get(qn("w:lang")) == "zh-CN" and WORD_JOINER in el.get(qn("w:val"))
    assert "）" in settings.find(qn("w:noLineBreaksBefore")).get(qn("w:val"))
    assert "（" in settings.find(qn("w:noLineBreaksAfter")).get(qn("w:val"))


def test_toc_is_a_boxed_block_with_a_bold_heading(built_issue: Issue, profile: Profile) -> None:
    doc = _doc(built_issue, profile)
    paras = doc.paragraphs
    start = next(i for i, p in enumerate(paras) if p.text == "目录提要")
    box = paras[start : start + 1 + len(built_issue.toc or [])]
    assert all(r.bold for r in box[0].runs)
    for p in box:
        bdr = p._p.pPr.find(qn("w:pBdr"))
        assert {c.tag.split("}")[1] for c in bdr} == {"top", "left", "bottom", "right"}
    assert all(p.paragraph_format.keep_with_next for p in box[:-1])


def test_footer_and_headings_keep_together(built_issue: Issue, profile: Profile) -> None:
    doc = _doc(built_issue, profile)
    paras = doc.paragraphs
    first = next(i for i, p in enumerate(paras) if p.text.startswith("编辑："))
    block = paras[first:]
    assert len(block) == 1 + len(built_issue.footer.distribution)
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    assert all(p.paragraph_format.keep_together for p in block)
    for name in ("Heading 1", "Heading 2"):
        assert doc.styles[name].paragraph_format.keep_with_next


def test_html_keeps_the_attribution_on_one_line(built_issue: Issue, profile: Profile) -> None:
    html = render(built_issue, "html", profile=profile)
    assert isinstance(html, str)
    for b in built_issue.briefs():
        if b.attribution:
            assert f"（{b.attribution}）</span>" in html
    assert ".attr { white-space: nowrap; }" in html
