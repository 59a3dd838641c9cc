"""An issue as a Word document in official-document layout (GB/T 9704-2012, 简报 practice).

A4; margins top 37 mm, left (binding) 28 mm, right 26 mm, bottom 35 mm, so the text
block is 156 × 225 mm; a grid of 22 lines of 28 characters in 3号 (16 pt) type with
exact line spacing. The masthead is the bulletin name in large red 方正小标宋简体,
then the issue line and the office and date over a red rule. Body text is 3号
仿宋_GB2312 with a two-character first-line indent, section headings 黑体, brief
headlines 楷体_GB2312 in bold. Page numbers (``— 1 —``) are 4号 宋体 at the foot,
right on odd pages and left on even ones. Fonts are named, not embedded.

python-docx has no API for East Asian fonts, so every run's ``w:rFonts`` gets
``w:eastAsia`` (and ``w:ascii``/``w:hAnsi``) directly, and the theme-font
attributes of the built-in styles are stripped: Word prefers them over names.
"""

from __future__ import annotations

import copy
import io
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.run import Run

from drafter.brieftext import join_attribution
from drafter.issue.render_docx_print import (
    autospace_off,
    chinese,
    font_table,
    glue_attribution,
    keep,
    line_break_rules,
)
from drafter.issue.render_md import issue_line, masthead_date, total_line
from drafter.profile import Fonts
from drafter.schemas import Brief, Issue

__all__ = [
    "BODY_FONT",
    "HEADING_FONT",
    "HEADLINE_FONT",
    "MASTHEAD_FONT",
    "PAGE_NUMBER_FONT",
    "render_docx",
]

MASTHEAD_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
HEADLINE_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
RED = RGBColor(0xC0, 0x00, 0x00)

SIZE_BODY = Pt(16)  # 3号
SIZE_PAGE_NUMBER = Pt(14)  # 4号
SIZE_MASTHEAD = Pt(42)  # 初号
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
_CHARS_PER_LINE = 28
_TEXT_WIDTH_MM = 156.0
# Condense body characters so 28 fit the 156 mm line (3号 is 16 pt; 156 mm is 442 pt).
_CONDENSE_TWIPS = -int((SIZE_BODY.pt - _TEXT_WIDTH_MM / 25.4 * 72 / _CHARS_PER_LINE) * 20 + 1)

# Children that follow w:spacing in w:rPr, and w:pBdr in w:pPr (the schema's order).
_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip
_PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip

_THEME_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")


def _rfonts(rpr: Any) -> Any:
    return rpr.get_or_add_rFonts()


def _set_fonts(rpr: Any, name: str) -> None:
    """Name the font for East Asian and Latin text and drop theme overrides."""
    rfonts = _rfonts(rpr)
    for attr in _THEME_ATTRS:
        key = qn(attr)
        if key in rfonts.attrib:
            del rfonts.attrib[key]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


_RPR_CACHE: dict[tuple[str, int, bool, str, bool], Any] = {}


def _font_run(
    paragraph: Any,
    text: str,
    font: str,
    size: Any,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
    condense: bool = True,
) -> Any:
    """A run with fonts, size, weight and colour; its w:rPr is built once per look."""
    key = (font, int(size), bold, str(color), condense)
    template = _RPR_CACHE.get(key)
    if template is None:
        # Building w:rPr through python-docx costs ~5 ms a run; copying a template does not.
        scratch = Run(OxmlElement("w:r"), None)  # type: ignore[arg-type]
        scratch.font.name = font
        scratch.font.size = size
        scratch.font.bold = bold
        if color is not None:
            scratch.font.color.rgb = color
        rpr = scratch._element.get_or_add_rPr()
        _set_fonts(rpr, font)
        if condense and size == SIZE_BODY:
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(_CONDENSE_TWIPS))
            rpr.insert_element_before(spacing, *_RPR_AFTER_SPACING)
        template = _RPR_CACHE[key] = rpr
    run = paragraph.add_run(text)
    run._element.insert(0, copy.deepcopy(template))
    return run


def _styled(doc: Any, style_id: str) -> Any:
    """A paragraph in a style, by id: python-docx's lookup by name costs ~14 ms a call."""
    para = doc.add_paragraph()
    para._p.style = style_id
    return para


def _spacing(paragraph: Any, *, exact: Any = LINE_PITCH, before: int = 0, after: int = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if exact is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact


def _first_line_indent(paragraph: Any, chars: int) -> None:
    """Indent by characters (``w:firstLineChars``) so it follows the font size."""
    ind = paragraph._element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(SIZE_BODY.pt * 20 * chars)))


def _border(paragraph: Any, side: str, *, color: str = "C00000", size: int = 12) -> None:
    """A rule drawn as a paragraph border (``size`` in eighths of a point)."""
    ppr = paragraph._element.get_or_add_pPr()
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        ppr.insert_element_before(pbdr, *_PPR_AFTER_PBDR)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), color)
    pbdr.append(edge)


def _setup_styles(doc: Any, fonts: Fonts) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = fonts.body[0]
    normal.font.size = SIZE_BODY
    _set_fonts(normal.element.get_or_add_rPr(), fonts.body[0])
    chinese(normal.element.get_or_add_rPr())
    autospace_off(normal.element.get_or_add_pPr())
    fmt = normal.paragraph_format
    fmt.widow_control = True  # no widow or orphan lines
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    # Document defaults too: the grid's character pitch is computed from them.
    rpr_default = doc.styles.element.find(qn("w:docDefaults"))
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _set_fonts(rpr, fonts.body[0])
            for tag in ("w:sz", "w:szCs"):
                el = rpr.find(qn(tag))
                if el is None:
                    el = OxmlElement(tag)
                    after = _RPR_AFTER_SPACING[_RPR_AFTER_SPACING.index(tag) + 1 :]
                    rpr.insert_element_before(el, *after)
                el.set(qn("w:val"), str(int(SIZE_BODY.pt * 2)))
    for name, font, bold in (
        ("Title", fonts.masthead[0], False),
        ("Heading 1", fonts.heading[0], False),
        ("Heading 2", fonts.headline[0], True),
    ):
        style = doc.styles[name]
        style.font.name = font
        style.font.size = SIZE_BODY
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, font)
        color = rpr.find(qn("w:color"))
        if color is not None:
            for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
                if qn(attr) in color.attrib:
                    del color.attrib[qn(attr)]
        # The built-in Title draws a theme-coloured rule of its own.
        ppr = style.element.pPr
        if ppr is not None:
            for bdr in ppr.findall(qn("w:pBdr")):
                ppr.remove(bdr)
        pf = style.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE_PITCH
        pf.keep_with_next = True


def _setup_page(doc: Any, fonts: Fonts) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number sits about 7 mm below the text block.
    section.footer_distance = Mm(22)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    # A line grid only: LibreOffice misreads a negative character pitch in a
    # linesAndChars grid, so 28 characters a line come from condensed runs instead.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, fonts.page_number[0])
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, fonts.page_number[0])


def _page_number(paragraph: Any, align: WD_ALIGN_PARAGRAPH, font: str) -> None:
    """``— N —`` with a PAGE field, 4号 宋体, one character in from the edge."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = SIZE_PAGE_NUMBER
    else:
        fmt.left_indent = SIZE_PAGE_NUMBER
    _font_run(paragraph, "— ", font, SIZE_PAGE_NUMBER)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        run = _font_run(paragraph, "", font, SIZE_PAGE_NUMBER)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            run.text = text
    end = _font_run(paragraph, "", font, SIZE_PAGE_NUMBER)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._element.append(fld)
    _font_run(paragraph, " —", font, SIZE_PAGE_NUMBER)


def _masthead(doc: Any, issue: Issue, fonts: Fonts) -> None:
    m = issue.masthead
    name = _styled(doc, "Title")
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(name, exact=None, before=12, after=12)
    _font_run(name, m.name, fonts.masthead[0], SIZE_MASTHEAD, color=RED)
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(number)
    _font_run(number, f"{issue_line(m)}{total_line(m)}", fonts.body[0], SIZE_BODY)
    # Office on the left, date on the right, over the red rule.
    line = doc.add_paragraph()
    _spacing(line, after=12)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(_TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _font_run(line, f"{m.office}\t{masthead_date(m)}", fonts.body[0], SIZE_BODY)
    _border(line, "bottom", size=18)


def _heading(doc: Any, text: str, style: str, font: str, *, bold: bool) -> Any:
    para = _styled(doc, style.replace(" ", ""))
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER if style == "Heading 2" else WD_ALIGN_PARAGRAPH.LEFT
    _spacing(para, before=8 if style == "Heading 1" else 4)
    _font_run(para, text, font, SIZE_BODY, bold=bold)
    return para


def _body(doc: Any, text: str, font: str) -> Any:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _spacing(para)
    _first_line_indent(para, 2)
    _font_run(para, text, font, SIZE_BODY)
    return para


def _brief(doc: Any, brief: Brief, fonts: Fonts) -> None:
    _heading(doc, brief.headline, "Heading 2", fonts.headline[0], bold=True)
    paras = list(brief.paragraphs)
    paras[-1] = glue_attribution(join_attribution(paras[-1], brief.attribution), brief.attribution)
    for text in paras:
        _body(doc, text, fonts.body[0])


def _toc(doc: Any, toc: list[str], fonts: Fonts) -> None:
    """目录提要 as printed: a bold heading and its lines in a ruled box, kept on one page."""
    head = _heading(doc, "目录提要", "Heading 1", fonts.heading[0], bold=True)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paras = [head] + [_body(doc, line, fonts.body[0]) for line in toc]
    for i, para in enumerate(paras):
        for side in ("top", "left", "bottom", "right"):
            _border(para, side, color="000000", size=6)
        keep(para, with_next=i < len(paras) - 1)
    _spacing(paras[-1], after=12)


def _footer(doc: Any, issue: Issue, font: str) -> None:
    f = issue.footer
    names = "\u3000\u3000".join(
        x
        for x in (
            f"编辑：{f.editor}" if f.editor else "",
            f"审核：{f.reviewer}" if f.reviewer else "",
        )
        if x
    )
    if names:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _spacing(para, before=12)
        keep(para, with_next=bool(f.distribution))
        _font_run(para, names, font, SIZE_BODY)
    if f.distribution:
        # 版记: 4号 仿宋 between two black rules.
        for i, group in enumerate(f.distribution):
            para = doc.add_paragraph()
            _spacing(para, exact=Pt(22))
            text = f"分送：{group}" if i == 0 else group
            if i:
                para.paragraph_format.left_indent = Pt(14 * 3)
            else:
                _border(para, "top", color="000000", size=6)
            if i == len(f.distribution) - 1:
                _border(para, "bottom", color="000000", size=6)
            keep(para, with_next=i < len(f.distribution) - 1)  # 版记 stays together
            _font_run(para, text, font, SIZE_PAGE_NUMBER)


def render_docx(issue: Issue, toc: list[str], fonts: Fonts | None = None) -> bytes:
    """The .docx bytes of ``issue`` with ``toc`` as its 目录提要, set in ``fonts``."""
    fonts = fonts or Fonts()
    doc = Document()
    _setup_styles(doc, fonts)
    _setup_page(doc, fonts)
    font_table(doc, fonts)
    line_break_rules(doc)
    m = issue.masthead
    doc.core_properties.title = f"{m.name} {issue_line(m)}{total_line(m)}"
    doc.core_properties.author = m.office
    _masthead(doc, issue, fonts)
    if toc:
        _toc(doc, toc, fonts)
    for lead in issue.leads:
        _brief(doc, lead, fonts)
    for section in issue.sections:
        if not section.briefs:
            continue
        _heading(doc, section.title, "Heading 1", fonts.heading[0], bold=False)
        for brief in section.briefs:
            _brief(doc, brief, fonts)
    _footer(doc, issue, fonts.body[0])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
