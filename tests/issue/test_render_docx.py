"""The .docx reads back with python-docx in official layout, East Asian fonts named."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from drafter.issue import parse_issue, render
from drafter.issue.render_docx import (
    BODY_FONT,
    HEADING_FONT,
    HEADLINE_FONT,
    MASTHEAD_FONT,
    PAGE_NUMBER_FONT,
)
from drafter.profile import Profile
from drafter.schemas import Issue

_THEME = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme")


def _doc(issue: Issue, profile: Profile):  # type: ignore[no-untyped-def]
    data = render(issue, "docx", profile=profile)
    assert isinstance(data, bytes) and data[:2] == b"PK"
    return Document(io.BytesIO(data))


def _east_asia(run) -> str | None:  # type: ignore[no-untyped-def]
    rfonts = run._element.rPr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def _para(doc, text: str, style: str | None = None):  # type: ignore[no-untyped-def]
    return next(
        p for p in doc.paragraphs if p.text == text and (style is None or p.style.name == style)
    )


def test_page_setup(built_issue: Issue, profile: Profile) -> None:
    section = _doc(built_issue, profile).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.left_margin, section.right_margin, section.bottom_margin)
    assert [round(m.mm) for m in margins] == [37, 28, 26, 35]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    assert (round(width / Mm(1)), round(height / Mm(1))) == (156, 225)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines in 225 mm


def test_masthead_is_large_red_and_ruled(built_issue: Issue, profile: Profile) -> None:
    doc = _doc(built_issue, profile)
    name = _para(doc, built_issue.masthead.name)
    run = name.runs[0]
    assert _east_asia(run) == MASTHEAD_FONT
    assert str(run.font.color.rgb) in {"C00000", "FF0000"}
    assert run.font.size.pt >= 26
    assert name.alignment == 1  # centred
    m = built_issue.masthead
    issue_line = next(p for p in doc.paragraphs if f"第{m.number}期" in p.text)
    assert f"总第{m.total}期" in issue_line.text
    red = [
        (i, p)
        for i, p in enumerate(doc.paragraphs)
        if (b := p._element.find(".//" + qn("w:pBdr") + "/" + qn("w:bottom"))) is not None
        and b.get(qn("w:color")) in {"C00000", "FF0000"}
    ]
    assert len(red) == 1
    index, ruled = red[0]
    assert m.office in ruled.text and index <= 3


def test_fonts_on_body_headings_and_headlines(built_issue: Issue, profile: Profile) -> None:
    doc = _doc(built_issue, profile)
    for section in built_issue.sections:
        heading = _para(doc, section.title, "Heading 1")
        assert {_east_asia(r) for r in heading.runs} == {HEADING_FONT}
    for brief in built_issue.briefs():
        headline = _para(doc, brief.headline, "Heading 2")
        assert {_east_asia(r) for r in headline.runs} == {HEADLINE_FONT}
        assert all(r.font.bold for r in headline.runs)
        body = _para(doc, brief.paragraphs[0])
        assert {_east_asia(r) for r in body.runs} == {BODY_FONT}
        assert {r.font.size.pt for r in body.runs} == {16}
        ind = body._element.pPr.find(qn("w:ind"))
        assert ind.get(qn("w:firstLineChars")) == "200"


def test_styles_carry_no_theme_fonts(built_issue: Issue, profile: Profile) -> None:
    doc = _doc(built_issue, profile)
    for name, font in (
        ("Normal", BODY_FONT),
        ("Heading 1", HEADING_FONT),
        ("Heading 2", HEADLINE_FONT),
    ):
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == font
        assert not [a for a in _THEME if rfonts.get(qn(a)) is not None], name


def test_page_numbers_at_the_foot(built_issue: Issue, profile: Profile) -> None:
    doc = _doc(built_issue, profile)
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        para = footer.paragraphs[0]
        xml = para._element.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert para.text.startswith("— ") and para.text.endswith(" —")
        assert {_east_asia(r) for r in para.runs} == {PAGE_NUMBER_FONT}
        assert {r.font.size.pt for r in para.runs} == {14}


def test_footer_names_and_distribution(built_issue: Issue, profile: Profile) -> None:
    texts = [p.text for p in _doc(built_issue, profile).paragraphs]
    f = built_issue.footer
    assert any(f"编辑：{f.editor}" in t and f"审核：{f.reviewer}" in t for t in texts)
    assert f"分送：{f.distribution[0]}" in texts
    assert all(d in texts for d in f.distribution[1:])


def test_reference_renders(reference_issue: str, profile: Profile) -> None:
    issue = parse_issue(reference_issue, profile=profile)
    texts = [p.text for p in _doc(issue, profile).paragraphs]
    assert all(b.headline in texts for b in issue.briefs())
    assert texts.count("目录提要") == 1


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_it_to_pdf(
    built_issue: Issue, profile: Profile, tmp_path: Path
) -> None:
    src = tmp_path / "issue.docx"
    data = render(built_issue, "docx", profile=profile)
    assert isinstance(data, bytes)
    src.write_bytes(data)
    soffice = _soffice()
    assert soffice is not None
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=110,
    )  # fmt: skip
    pdf = (tmp_path / "issue.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pages >= 2
