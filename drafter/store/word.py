"""A draft handed to an editor as a Word file, and their tracked changes taken back.

:func:`export_docx` writes the current text (headline, then one Word paragraph per
paragraph, in the house faces) and, after a marked separator, the source report for
reference. The editor edits in Word or WPS with track changes on and may comment.
:func:`import_docx` reads the file back: insertions (``w:ins``) are accepted, deletions
(``w:del``) applied, comments (``word/comments.xml``) kept as notes with their authors,
everything after the separator ignored; the text is then stored through
:func:`drafter.store.workflow.revise_text`, the same path and gates as ``revise``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from drafter.brieftext import render_brief_md
from drafter.errors import InputError
from drafter.profile import Profile
from drafter.store.database import Store
from drafter.store.workflow import ReviseResult, revise_text
from drafter.text.files import write_atomic

__all__ = ["SEPARATOR", "export_docx", "import_docx", "read_tracked"]

SEPARATOR = "——以下为报送材料原文，仅供参考，导入时忽略——"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _font(run: Any, faces: list[str], size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.name = faces[0]
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), faces[0])


def export_docx(store: Store, draft_id: int, out: Path, *, profile: Profile) -> Path:
    """Write draft ``draft_id``'s current text, and its source report, as a .docx."""
    from docx import Document

    record = store.get_draft(draft_id)
    brief = record.current_brief
    if brief is None:
        raise InputError(
            f"稿件 {draft_id} 还没有草稿（{record.status_zh}）",
            hint=f"先用 drafter redraft {draft_id} 起草",
        )
    report = store.get_report(record.report_id).report
    blocks = [b.strip() for b in render_brief_md(brief).split("\n\n") if b.strip()]
    doc = Document()
    for i, block in enumerate(blocks):
        para = doc.add_paragraph()
        if i == 0:
            _font(para.add_run(block.removeprefix("###").strip()), profile.fonts.headline, 16)
        else:
            _font(para.add_run(block), profile.fonts.body, 16)
    _font(doc.add_paragraph().add_run(SEPARATOR), profile.fonts.heading, 12)
    source = f"{report.title}\n\n{report.text}" if report.title else report.text
    for line in source.splitlines():
        if line.strip():
            _font(doc.add_paragraph().add_run(line.strip()), profile.fonts.body, 12)
    buf = io.BytesIO()
    doc.save(buf)
    write_atomic(out, buf.getvalue())
    return out


def _paragraph_text(p: Any) -> str:
    """The text of a w:p with tracked changes resolved: insertions kept, deletions dropped."""
    parts: list[str] = []
    for el in p.iter():
        if el.tag == _W + "t":
            ancestors = {a.tag for a in el.iterancestors()}
            if _W + "del" not in ancestors and _W + "moveFrom" not in ancestors:
                parts.append(el.text or "")
        elif el.tag == _W + "tab":
            parts.append("\t")
    return "".join(parts)


def read_tracked(data: bytes) -> tuple[list[str], list[str], list[str]]:
    """(paragraphs, comment notes, change authors) of a .docx with changes resolved."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            document = etree.fromstring(z.read("word/document.xml"))
            names = set(z.namelist())
            comments = (
                etree.fromstring(z.read("word/comments.xml"))
                if "word/comments.xml" in names
                else None
            )
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise InputError(
            f"不是可读的 Word 文件（{exc}）", hint="请在 Word 或 WPS 中另存为 .docx 后重试"
        ) from None
    body = document.find(_W + "body")
    paragraphs = [_paragraph_text(p) for p in (body.iter(_W + "p") if body is not None else [])]
    notes: list[str] = []
    if comments is not None:
        for c in comments.iter(_W + "comment"):
            text = "".join(t.text or "" for t in c.iter(_W + "t")).strip()
            if text:
                notes.append(f"{c.get(_W + 'author') or '（匿名）'}：{text}")
    authors = sorted(
        {
            el.get(_W + "author") or ""
            for el in document.iter(_W + "ins", _W + "del")
            if el.get(_W + "author")
        }
    )
    return paragraphs, notes, authors


def import_docx(
    store: Store, draft_id: int, path: Path, *, profile: Profile
) -> tuple[ReviseResult, list[str]]:
    """Store the edited .docx as a revision (checked like ``revise``); also its notes.

    Like ``revise`` it holds the draft's edit lock while it saves (others see who is
    editing), and is refused while someone else holds it.
    """
    from drafter.store.locks import editing
    from drafter.text.files import read_bytes

    paragraphs, notes, authors = read_tracked(read_bytes(path))
    kept: list[str] = []
    for para in paragraphs:
        if para.strip() == SEPARATOR:
            break
        if para.strip():
            kept.append(para.strip())
    if not kept:
        return ReviseResult("empty"), notes
    markdown = "### " + kept[0] + "\n\n" + "\n\n".join(kept[1:]) + "\n"
    source = f"{path.name}（修订人：{'、'.join(authors)}）" if authors else path.name
    with editing(store, draft_id, zone=profile.timezone):
        result = revise_text(
            store, draft_id, markdown, profile=profile, where=str(path), notes=notes, source=source
        )
    return result, notes
