"""Word (.docx) files → text, after checking the archive is safe to open.

A .docx is a zip of XML parts. Before python-docx sees one, the archive is checked:
the unpacked size is bounded (a 1.7 MB zip can unpack to gigabytes of XML), and no
XML part may declare a DOCTYPE or entities (the "billion laughs" entity bomb). A
malformed archive or malformed XML is an :class:`~drafter.errors.InputError`.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from drafter.errors import InputError
from drafter.text.files import read_bytes

__all__ = ["MAX_UNPACKED_BYTES", "docx_text"]

MAX_UNPACKED_BYTES = 64 * 1024 * 1024
"""Upper bound of a .docx archive's unpacked size; real reports are far below it."""

# "<!DOCTYPE" / "<!ENTITY" in the encodings an XML part may use (UTF-8 or UTF-16).
_DECLARATION = re.compile(
    rb"<!(?:DOCTYPE|ENTITY)|<\x00!\x00(?:D\x00O\x00C|E\x00N\x00T)|\x00<\x00!\x00(?:D|E)",
    re.I,
)
_CHUNK = 64 * 1024

# Text nodes of a paragraph, tracked insertions included (python-docx's Paragraph.text
# skips runs inside <w:ins>), deletions and the fallback copy of text boxes excluded.
_DOCX_TEXT_XPATH = (
    ".//w:t[not(ancestor::w:del) and not(ancestor::*[local-name()='Fallback'])]"
    " | .//w:tab[not(ancestor::w:del)] | .//w:br[not(ancestor::w:del)] | .//w:cr"
)


def _invalid(source: str | Path, why: str) -> InputError:
    return InputError(
        f"{source} 不是有效的 Word（.docx）文档：{why}",
        hint="请用 Word 或 WPS 打开后另存为 .docx，或把正文复制到 .txt 文件",
        path=str(source),
    )


def check_archive(data: bytes, source: str | Path) -> None:
    """Refuse a .docx that unpacks too large or whose XML declares a DOCTYPE/entities."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise _invalid(source, "不是 zip 压缩包或已损坏") from exc
    with archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError(
                f"{source} 解压后过大（{unpacked / 1024 / 1024:.0f} MB，"
                f"上限 {MAX_UNPACKED_BYTES // 1024 // 1024} MB），疑似压缩炸弹，未打开",
                hint="请用 Word 或 WPS 打开后另存为 .docx，或把正文复制到 .txt 文件",
                path=str(source),
            )
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels")) and _declares(archive, member):
                raise InputError(
                    f"{source} 的 {member.filename} 含有 DOCTYPE 或实体声明，"
                    "正常的 Word 文档不会有，为安全起见未打开",
                    hint="请用 Word 或 WPS 打开后另存为 .docx，或把正文复制到 .txt 文件",
                    path=str(source),
                )


def _declares(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    try:
        with archive.open(member) as fh:
            while chunk := fh.read(_CHUNK):
                if _DECLARATION.search(tail + chunk):
                    return True
                tail = chunk[-32:]
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise InputError(
            f"zip 压缩包中的 {member.filename} 无法解压（已损坏、加密或压缩方式不受支持）",
            hint="请用 Word 或 WPS 打开后另存为 .docx，或把正文复制到 .txt 文件",
        ) from exc
    return False


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.xpath(_DOCX_TEXT_XPATH):
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "t":
            parts.append(node.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif (
            node.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type") != "page"
        ):
            parts.append("\n")
    return "".join(parts)


def docx_text(source: str | Path) -> str:
    """Paragraphs and table rows of a .docx, in document order, one block each."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml import etree

    data = read_bytes(source)
    try:
        check_archive(data, source)
    except InputError as exc:
        if exc.context.get("path"):
            raise
        raise _invalid(source, exc.message) from exc
    try:
        document = Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        raise _invalid(source, f"内部 XML 格式错误（{exc.msg}）") from exc
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        EOFError,
        NotImplementedError,
        etree.LxmlError,
    ) as exc:
        raise _invalid(source, "文档结构不完整") from exc
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = " ".join(_paragraph_text(p._p) for p in cell.paragraphs).strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat
                        cells.append(t)
                if cells:
                    blocks.append(" ".join(cells))
        else:
            blocks.append(_paragraph_text(item._p))
    return "\n\n".join(b for b in blocks if b.strip())
