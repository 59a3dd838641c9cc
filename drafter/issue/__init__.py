"""Issue assembly: build an issue from briefs, write its 目录提要, render it, parse it.

``build_issue`` and ``toc_lines`` are pure; the numbering that continues from the last
issue lives in :mod:`drafter.issue.numbering`. A 目录提要 line from a model comes in
through ``toc_lines(shorten=…)`` (see :func:`drafter.drafting.shorten.toc_shortener`):
this package never calls a model. The .docx renderer (python-docx) loads only when a
.docx is asked for.
"""

from __future__ import annotations

from typing import Literal

from drafter.errors import InputError
from drafter.issue.build import build_issue, review_problems, today
from drafter.issue.numbering import Numbering, load_numbering, next_numbering, save_numbering
from drafter.issue.parse import parse_issue
from drafter.issue.toc import Shortener, toc_line, toc_lines
from drafter.profile import Profile, load_profile
from drafter.schemas import Issue

__all__ = [
    "FORMATS",
    "Format",
    "Numbering",
    "Shortener",
    "build_issue",
    "format_for",
    "load_numbering",
    "next_numbering",
    "parse_issue",
    "render",
    "review_problems",
    "save_numbering",
    "toc_line",
    "toc_lines",
    "today",
]

Format = Literal["md", "txt", "docx", "html", "json", "pdf"]
FORMATS: tuple[str, ...] = ("md", "txt", "docx", "html", "json", "pdf")


def format_for(filename: str) -> Format:
    """The output format a file name asks for, by its extension."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    aliases: dict[str, Format] = {
        "md": "md",
        "markdown": "md",
        "txt": "txt",
        "text": "txt",
        "docx": "docx",
        "html": "html",
        "htm": "html",
        "json": "json",
        "pdf": "pdf",
    }
    if ext not in aliases:
        raise InputError(
            f"无法从文件名“{filename}”判断输出格式",
            hint="请用 .md、.txt、.docx、.html、.pdf 或 .json 作扩展名",
            path=filename,
        )
    return aliases[ext]


def render(issue: Issue, fmt: str, *, profile: Profile | None = None) -> str | bytes:
    """``issue`` as ``md``, ``txt``, ``html`` or ``json`` text, or ``docx`` or ``pdf`` bytes
    (PDF through LibreOffice: :class:`~drafter.errors.ConfigError` when it is missing).

    The 目录提要 is ``issue.toc``; an issue without one gets the offline lines.
    """
    toc = list(issue.toc) or toc_lines(issue, profile=profile or load_profile())
    if fmt == "md":
        from drafter.issue.render_md import render_md

        return render_md(issue, toc)
    if fmt == "txt":
        from drafter.issue.render_txt import render_txt

        return render_txt(issue, toc)
    if fmt == "html":
        from drafter.issue.render_html import render_html

        return render_html(issue, toc)
    if fmt == "docx":
        from drafter.issue.render_docx import render_docx

        return render_docx(issue, toc, (profile or load_profile()).fonts)
    if fmt == "pdf":
        from drafter.issue.render_docx import render_docx
        from drafter.issue.render_pdf import docx_to_pdf

        fonts = (profile or load_profile()).fonts
        return docx_to_pdf(render_docx(issue, toc, fonts), fonts)
    if fmt == "json":
        return issue.model_copy(update={"toc": toc}).model_dump_json(indent=2) + "\n"
    raise InputError(
        f"不支持的输出格式：{fmt}",
        hint=f"可选：{'、'.join(FORMATS)}",
        format=fmt,
    )
