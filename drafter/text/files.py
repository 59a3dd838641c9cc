"""Reading user text safely and writing files atomically.

Every command that reads a user's file goes through :func:`read_text`, so an empty
file, a directory, a binary file or an oversized one fails the same way everywhere:
a Chinese message, an :class:`~drafter.errors.InputError`, exit code 2. Every file
drafter writes goes through :func:`write_atomic`, so a crash mid-write never leaves a
half-written brief, issue, recording or state file in place of a good one.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from drafter.errors import EncodingError, InputError

__all__ = [
    "MAX_INPUT_BYTES",
    "Decoded",
    "decode_bytes",
    "read_bytes",
    "read_text",
    "write_atomic",
]

MAX_INPUT_BYTES = 2 * 1024 * 1024
"""Default size limit of one input file; ``DRAFTER_MAX_INPUT_BYTES`` overrides it."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "gb18030"
    path: str  # the path as given, or "-" for standard input
    mixed_line_endings: bool = False


def _limit() -> int:
    raw = os.environ.get("DRAFTER_MAX_INPUT_BYTES")
    return int(raw) if raw and raw.isdigit() else MAX_INPUT_BYTES


def read_bytes(path: str | Path) -> bytes:
    """The bytes of ``path`` (``-`` = standard input), with clear errors for bad paths."""
    limit = _limit()
    if str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1)
        where = "标准输入"
    else:
        p = Path(path)
        where = str(p)
        if not p.exists():
            raise InputError(f"找不到文件：{p}", hint="请检查路径是否正确", path=where)
        if p.is_dir():
            raise InputError(
                f"{p} 是一个目录，不是文件", hint="请指定目录中的具体文件", path=where
            )
        try:
            size = p.stat().st_size
            if size > limit:
                raise InputError(
                    f"文件过大：{p}（{size / 1024 / 1024:.1f} MB，上限 {limit / 1024 / 1024:.1f} MB）",
                    hint="请拆分文件，或设置环境变量 DRAFTER_MAX_INPUT_BYTES 提高上限",
                    path=where,
                )
            data = p.read_bytes()
        except PermissionError as exc:
            raise InputError(f"没有权限读取文件：{p}", hint="请检查文件权限", path=where) from exc
    if len(data) > limit:
        raise InputError(
            f"输入过大（超过 {limit / 1024 / 1024:.1f} MB）：{where}",
            hint="请拆分输入，或设置环境变量 DRAFTER_MAX_INPUT_BYTES 提高上限",
            path=where,
        )
    return data


def decode_bytes(data: bytes, *, where: str = "输入") -> Decoded:
    """Decode UTF-8 (with or without BOM) or GB18030 (which covers GBK and GB2312)."""
    if not data.strip():
        raise InputError(f"{where} 是空的", hint="请提供有内容的文本文件", path=where)
    if b"\x00" in data[:8192]:
        raise InputError(
            f"{where} 看起来是二进制文件，不是文本",
            hint="请提供 .txt、.md 文本（Word 文档请用 .docx）",
            path=where,
        )
    text: str | None = None
    encoding = ""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030":
            encoding = enc
        else:
            encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        break
    if text is None:
        raise EncodingError(
            f"无法识别 {where} 的编码（支持 UTF-8、带 BOM 的 UTF-8、GB18030/GBK）",
            hint="请用记事本或 WPS 另存为 UTF-8 编码后重试",
            path=where,
        )
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    lone_lf = text.count("\n") - crlf
    mixed = sum(1 for n in (crlf, lone_cr, lone_lf) if n) > 1
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text=text, encoding=encoding, path=where, mixed_line_endings=mixed)


def read_text(path: str | Path) -> Decoded:
    """Read and decode a user's text file (``-`` = standard input); line endings → ``\\n``."""
    where = "标准输入" if str(path) == "-" else str(path)
    decoded = decode_bytes(read_bytes(path), where=where)
    return Decoded(
        text=decoded.text,
        encoding=decoded.encoding,
        path=str(path),
        mixed_line_endings=decoded.mixed_line_endings,
    )


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, ``\\n`` line endings) to ``path`` atomically.

    The bytes go to a temporary file in the same directory, are flushed to disk, and
    the file is renamed over ``path``: readers see the old file or the new one, never a
    mix. Parent directories are created. OS errors propagate to the caller, which
    knows what the file is and how to explain the failure.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
