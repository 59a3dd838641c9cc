"""An issue as PDF: the .docx rendering converted by LibreOffice (``soffice --headless``).

LibreOffice is an optional system package; without it no PDF can be made and the error
names the package to install. Two things the .docx says that LibreOffice's DOCX import
drops are applied on its side: the profile's font stand-ins (given to fontconfig as
aliases, so 仿宋_GB2312 prints in a serif face where it is not installed) and East
Asian auto-spacing off and the Chinese line-breaking lists (``w:autoSpaceDE`` and
``w:noLineBreaksBefore``/``After`` are ignored on import, so the document goes through
flat ODT, where they are ``style:text-autospace`` and the ``ForbiddenCharacters``
setting).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from drafter.errors import ConfigError, IssueError
from drafter.issue.render_docx_print import NOT_AT_LINE_END, NOT_AT_LINE_START
from drafter.profile import Fonts

__all__ = ["docx_to_pdf", "fontconfig", "soffice"]

_INSTALL = "请安装 LibreOffice：Debian/Ubuntu 上运行 apt-get install libreoffice-writer-nogui fonts-noto-cjk"
_AUTOSPACE = re.compile(r'style:text-autospace="[^"]*"')
_SETTINGS = '<config:config-item-set config:name="ooo:configuration-settings">'


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig(fonts: Fonts) -> str:
    """A fontconfig file: the system's, plus each official face aliased to its stand-ins."""
    out = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', "<fontconfig>",
           '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>']  # fmt: skip
    for faces in fonts.model_dump().values():
        if len(faces) > 1:
            prefer = "".join(f"<family>{escape(f)}</family>" for f in faces[1:])
            out.append(
                f'<alias binding="same"><family>{escape(faces[0])}</family>'
                f"<prefer>{prefer}</prefer></alias>"
            )
    return "\n".join([*out, "</fontconfig>"]) + "\n"


def _item(name: str, value: str) -> str:
    return f'<config:config-item config:name="{name}" config:type="string">{escape(value)}</config:config-item>'


def _flat_odt_fixes(xml: str) -> str:
    """Auto-spacing off and the Chinese line-breaking lists, in a flat ODT document."""
    xml = _AUTOSPACE.sub('style:text-autospace="none"', xml)
    forbidden = (
        '<config:config-item-map-indexed config:name="ForbiddenCharacters">'
        "<config:config-item-map-entry>"
        + _item("Language", "zh") + _item("Country", "CN") + _item("Variant", "")
        + _item("BeginLine", NOT_AT_LINE_START) + _item("EndLine", NOT_AT_LINE_END)
        + "</config:config-item-map-entry></config:config-item-map-indexed>"
    )  # fmt: skip
    return xml.replace(_SETTINGS, _SETTINGS + forbidden, 1)


def _convert(exe: str, src: Path, fmt: str, d: Path, env: dict[str, str], timeout: float) -> Path:
    cmd = [exe, f"-env:UserInstallation={(d / 'lo-profile').as_uri()}", "--headless",
           "--convert-to", fmt, "--outdir", str(d / fmt), str(src)]  # fmt: skip
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env=env)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise IssueError("LibreOffice 转换失败", hint=str(exc), format=fmt) from exc
    out = d / fmt / f"{src.stem}.{fmt}"
    if not out.is_file():
        raise IssueError("LibreOffice 没有生成输出文件", hint=_INSTALL, format=fmt)
    return out


def docx_to_pdf(docx: bytes, fonts: Fonts | None = None, *, timeout: float = 180.0) -> bytes:
    """Convert .docx bytes to PDF bytes with LibreOffice."""
    exe = soffice()
    if exe is None:
        raise ConfigError("输出 PDF 需要 LibreOffice，但没有找到 soffice 命令", hint=_INSTALL)
    with tempfile.TemporaryDirectory(prefix="drafter-pdf-") as tmp:
        d = Path(tmp)
        conf = d / "fonts.conf"
        conf.write_text(fontconfig(fonts or Fonts()), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
        src = d / "issue.docx"
        src.write_bytes(docx)
        flat = _convert(exe, src, "fodt", d, env, timeout)
        flat.write_text(_flat_odt_fixes(flat.read_text(encoding="utf-8")), encoding="utf-8")
        return _convert(exe, flat, "pdf", d, env, timeout).read_bytes()
