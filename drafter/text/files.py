"""Reading user text safely and writing files atomically.

Every command that reads a user's file goes through :func:`read_text`, so an empty
file, a directory, a binary file or an oversized one fails the same way everywhere:
a Chinese message, an :class:`~drafter.errors.InputError`, exit code 2. Every file
drafter writes goes through :func:`write_atomic`, so a crash mid-write never leaves a
half-written brief, issue, recording or state file in place of a good one.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import secrets
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from drafter.errors import EncodingError, InputError

__all__ = [
    "MAX_INPUT_BYTES",
    "Decoded",
    "clean_stale_temp_files",
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
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "utf-16" or "utf-32"
    path: str  # the path as given, or "-" for standard input
    mixed_line_endings: bool = False


def _limit() -> int:
    raw = os.environ.get("DRAFTER_MAX_INPUT_BYTES")
    return int(raw) if raw and raw.isdigit() else MAX_INPUT_BYTES


def read_bytes(path: str | Path) -> bytes:
    """The bytes of ``path`` (``-`` = standard input), with clear errors for bad paths.

    Only regular files are read, and never more than the size limit: a device such as
    /dev/zero or a named pipe would otherwise fill memory or block forever.
    """
    limit = _limit()
    if str(path) == "-":
        return _check_size(_read_stdin(limit), limit, "标准输入")
    p = Path(path)
    where = str(p)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not block; checked below.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _open_error(p, exc) from exc
    try:
        info = os.fstat(fd)
        _check_regular(p, info, limit)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise InputError(
                f"读取文件失败：{p}（{exc.strerror or exc}）",
                hint="请检查文件是否完好、所在磁盘是否可用",
                path=where,
            ) from exc
    return _check_size(data, limit, where)


def _check_regular(p: Path, info: os.stat_result, limit: int) -> None:
    where = str(p)
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{p} 是一个目录，不是文件", hint="请指定目录中的具体文件", path=where)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{p} 不是普通文件（{_kind_of(info.st_mode)}），无法读取",
            hint="请指定一个 .txt、.md 或 .docx 文件；要从管道读入请用 - 表示标准输入",
            path=where,
        )
    if info.st_size > limit:
        raise InputError(
            f"文件过大：{p}（{info.st_size / 1024 / 1024:.1f} MB，"
            f"上限 {limit / 1024 / 1024:.1f} MB）",
            hint="请拆分文件，或设置环境变量 DRAFTER_MAX_INPUT_BYTES 提高上限",
            path=where,
        )


def _read_stdin(limit: int) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    try:
        if stream is None:
            raise ValueError("no standard input")
        data: bytes = stream.read(limit + 1)
    except (OSError, ValueError) as exc:
        raise InputError(
            "标准输入已关闭或无法读取",
            hint="请用管道或重定向提供内容，例如 drafter draft - < 报告.txt，或直接给出文件路径",
            path="标准输入",
        ) from exc
    return data


def _check_size(data: bytes, limit: int, where: str) -> bytes:
    if len(data) > limit:
        raise InputError(
            f"输入过大（超过 {limit / 1024 / 1024:.1f} MB）：{where}",
            hint="请拆分输入，或设置环境变量 DRAFTER_MAX_INPUT_BYTES 提高上限",
            path=where,
        )
    return data


def _open_error(p: Path, exc: OSError) -> InputError:
    where = str(p)
    if exc.errno == errno.ELOOP:
        return InputError(
            f"{p} 是循环的符号链接（链接最终指回自己）",
            hint="请用 ls -l 检查链接指向，改为指定真正的文件",
            path=where,
        )
    if isinstance(exc, FileNotFoundError):
        if p.is_symlink():
            return InputError(
                f"{p} 是失效的符号链接（指向的文件不存在）",
                hint="请用 ls -l 检查链接指向，或直接指定原文件",
                path=where,
            )
        return InputError(f"找不到文件：{p}", hint="请检查路径是否正确", path=where)
    if isinstance(exc, PermissionError):
        return InputError(f"没有权限读取文件：{p}", hint="请检查文件权限", path=where)
    if isinstance(exc, NotADirectoryError):
        return InputError(
            f"找不到文件：{p}（路径中有一段不是目录）", hint="请检查路径是否正确", path=where
        )
    return InputError(
        f"无法打开文件：{p}（{exc.strerror or exc}）",
        hint="请检查路径是否正确、文件是否可读",
        path=where,
    )


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def decode_bytes(data: bytes, *, where: str = "输入") -> Decoded:
    """Decode UTF-8 (with or without BOM), UTF-16/32 with BOM, or GB18030 (covers GBK)."""
    bom = _bom_encoding(data)
    if bom is not None:
        # A BOM is two or four bytes any binary file may start with: trust it only
        # when what it decodes to reads like text.
        try:
            wide = data.decode(bom)
        except UnicodeDecodeError:
            wide = ""
        if _reads_like_text(wide):
            return _decoded(wide, bom, where)
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
    return _decoded(text, encoding, where)


# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _reads_like_text(text: str) -> bool:
    if not text.strip():
        return False
    common = sum(
        1
        for ch in text
        if ch in "\t\n\r"
        or " " <= ch <= "~"
        or "\u2000" <= ch <= "\u206f"  # general punctuation: “” … —
        or "\u3000" <= ch <= "\u303f"  # CJK punctuation
        or "\u4e00" <= ch <= "\u9fff"
        or "\uff00" <= ch <= "\uffef"  # full-width forms
    )
    return common >= 0.8 * len(text)


def _decoded(text: str, encoding: str, where: str) -> Decoded:
    if not text.strip():
        raise InputError(f"{where} 是空的", hint="请提供有内容的文本文件", path=where)
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


def write_atomic(path: str | Path, data: str | bytes, *, force: bool = False) -> Path:
    """Write ``data`` (text as UTF-8, ``\\n`` line endings) to ``path`` atomically.

    The bytes go to a temporary file in the same directory, are flushed to disk, and
    the file is renamed over ``path``: readers see the old file or the new one, never a
    mix. Parent directories are created. A file that exists keeps its mode; a new one
    follows the umask (0644 typically). A read-only file or a symbolic link at ``path``
    is refused with an :class:`~drafter.errors.InputError` unless ``force`` (then the
    link itself is replaced, not the file it points to). Other OS errors propagate to
    the caller, which knows what the file is and how to explain the failure.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    mode = _existing_mode(target, force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{_TMP_SUFFIX}"
    # os.open with 0o666 lets the kernel apply the umask, as for any new file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


_TMP_SUFFIX = ".tmp"
_TMP_RE = re.compile(r"^\..+\.(?:(\d+)-[0-9a-f]{8}|[A-Za-z0-9_]{8})\.tmp$")


def _existing_mode(target: Path, *, force: bool) -> int | None:
    """The mode ``target`` has now (None if it does not exist); refuses what must not go."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        if not force:
            raise InputError(
                f"{target} 是符号链接，为避免改动链接指向的文件，未写入",
                hint="请换一个输出路径；如确需用新文件替换这个链接，请加 --force",
                path=str(target),
            )
        return None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(
            f"{target} 是一个目录，无法写成文件",
            hint="请给出文件路径，例如 out/简报.md",
            path=str(target),
        )
    if not info.st_mode & stat.S_IWUSR and not force:
        raise InputError(
            f"{target} 是只读文件，未覆盖",
            hint="请换一个输出路径；如确需覆盖，请加 --force",
            path=str(target),
        )
    return stat.S_IMODE(info.st_mode)


def clean_stale_temp_files(directory: str | Path) -> list[Path]:
    """Remove temporary files that an interrupted :func:`write_atomic` left in ``directory``.

    A temp file names the process that wrote it; files of processes still running are
    kept (they are being written now), as are files that are not drafter's.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _TMP_RE.match(entry.name)
        if m is None or not entry.is_file() or entry.is_symlink():
            continue
        if m.group(1) is not None and _process_alive(int(m.group(1))):
            continue
        try:
            entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OverflowError:
        return False
    return True
