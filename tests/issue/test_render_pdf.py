"""The printed page: the reference issue round trip as .docx → LibreOffice PDF, read back."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from drafter.errors import ConfigError
from drafter.issue import parse_issue, render
from drafter.issue.render_docx_print import WORD_JOINER
from drafter.issue.render_pdf import fontconfig, soffice
from drafter.profile import Fonts, Profile
from drafter.schemas import Issue

_LINES_PER_PAGE, _CHARS_PER_LINE = 22, 28
_GAP = re.compile(r"\d\s+[年月日期号]|[年月日第]\s+\d")


def _grid_lines(issue: Issue) -> int:
    """Lines of type the issue needs on the 22 × 28 grid, counting masthead and rules."""
    n = 8 + len(issue.toc) + 2  # masthead and its rule; the 目录提要 box
    n += sum(1 for s in issue.sections if s.briefs)
    for brief in issue.briefs():
        n += math.ceil(len(brief.headline) / _CHARS_PER_LINE)
        last = len(brief.paragraphs) - 1
        for i, p in enumerate(brief.paragraphs):
            extra = len(brief.attribution) + 2 if brief.attribution and i == last else 0
            n += math.ceil((len(p) + 2 + extra) / _CHARS_PER_LINE)
    return n + 2 + len(issue.footer.distribution)


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_reference_prints_with_attributions_whole(
    reference_issue: str, profile: Profile, tmp_path: Path
) -> None:
    md = render(parse_issue(reference_issue, profile=profile), "md", profile=profile)
    assert isinstance(md, str)
    issue = parse_issue(md, profile=profile)
    data = render(issue, "pdf", profile=profile)
    assert isinstance(data, bytes) and data.startswith(b"%PDF")
    pdf = tmp_path / "reference.pdf"
    pdf.write_bytes(data)
    attributions = [f"（{b.attribution}）" for b in issue.briefs() if b.attribution]
    assert len(attributions) >= 5
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        lines = [
            ln["text"].replace(WORD_JOINER, "")
            for page in doc.pages
            for ln in page.extract_text_lines()
        ]
        for i, page in enumerate(doc.pages, 1):  # the pages as pictures, for a look
            page.to_image(resolution=60).save(tmp_path / f"page-{i:02d}.png")
    # Each attribution is whole on one line, once; no line starts with a closing mark.
    for a in attributions:
        assert sum(a in ln for ln in lines) == 1, (a, [ln for ln in lines if a[1:3] in ln])
    assert [ln for ln in lines if ln[:1] in "）》”，。、；："] == []
    # The page count follows from the text on the 22-line grid (headings keep with their
    # first paragraph, so a page can end a few lines short).
    expected = _grid_lines(issue) / _LINES_PER_PAGE
    print(f"pages {pages}, grid estimate {expected:.1f}")
    assert expected <= pages <= math.ceil(expected * 1.2), (pages, expected)
    assert len(list(tmp_path.glob("page-*.png"))) == pages
    # East Asian auto-spacing is off: 5月8日 and 2023年 print with no gap at the digits.
    gaps = [ln for ln in lines if _GAP.search(ln)]
    assert gaps == []

def test_pdf_without_libreoffice_names_the_package(
    built_issue: Issue, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match="LibreOffice") as err:
        render(built_issue, "pdf", profile=profile)
    assert "libreoffice-writer-nogui" in str(err.value)


def test_fontconfig_aliases_each_official_face_to_its_stand_ins() -> None:
    conf = fontconfig(Fonts())
    assert "<family>仿宋_GB2312</family><prefer><family>仿宋</family>" in conf
    assert "<family>FangSong</family><family>Noto Serif CJK SC</family>" in conf
    assert "<family>黑体</family><prefer><family>SimHei</family>" in conf
    assert conf.count("<alias ") == 5
