"""Reading user files: encodings, line endings and every kind of bad input."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.errors import EncodingError, InputError
from drafter.text.files import clean_stale_temp_files, decode_bytes, read_text, write_atomic
from drafter.text.frontmatter import split_front_matter_block

TEXT = "5月8日，北京气象学会召开初审会。\n专家14人参加。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
    ],
)
def test_encodings_are_detected_and_named(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    decoded = read_text(path)
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


def test_mixed_line_endings_are_normalized(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes("一\r\n二\n三\r四".encode())
    decoded = read_text(path)
    assert decoded.text == "一\n二\n三\n四"
    assert decoded.mixed_line_endings


@pytest.mark.parametrize(
    ("setup", "pattern"),
    [
        (lambda p: p.write_bytes(b""), "空的"),
        (lambda p: p.write_bytes(b"  \n\n "), "空的"),
        (lambda p: p.write_bytes(b"PK\x03\x04\x00\x00binary"), "二进制"),
        (lambda p: p.mkdir(), "目录"),
        (lambda p: None, "找不到文件"),
        (lambda p: p.write_bytes(b"x" * (5 * 1024 * 1024)), "文件过大"),
    ],
    ids=["empty", "blank", "binary", "directory", "missing", "5MB"],
)
def test_bad_input_is_a_clear_chinese_error(tmp_path: Path, setup, pattern: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "input.txt"
    setup(path)
    with pytest.raises(InputError, match=pattern) as info:
        read_text(path)
    assert info.value.hint


def test_undecodable_bytes_raise_encoding_error() -> None:
    with pytest.raises(EncodingError, match="编码"):
        decode_bytes(b"\xff\xfe\xfa\xfb\x81\x30" * 10)


def test_size_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.txt"
    path.write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("DRAFTER_MAX_INPUT_BYTES", "10")
    with pytest.raises(InputError, match="过大"):
        read_text(path)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("gbk"))))
    decoded = read_text("-")
    assert decoded.text == TEXT
    assert decoded.path == "-"


# -- writing ----------------------------------------------------------------------------


def test_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = write_atomic(tmp_path / "new.md", "正文")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "kept.md"
    target.write_text("旧", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "新")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "新"


def test_read_only_target_is_refused_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "ro.md"
    target.write_text("旧", encoding="utf-8")
    target.chmod(0o444)
    with pytest.raises(InputError, match="只读") as info:
        write_atomic(target, "新")
    assert "--force" in (info.value.hint or "")
    assert target.read_text(encoding="utf-8") == "旧"
    write_atomic(target, "新", force=True)
    assert target.read_text(encoding="utf-8") == "新"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_symlink_target_is_refused_unless_forced(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("原文件", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    with pytest.raises(InputError, match="符号链接"):
        write_atomic(link, "新")
    assert real.read_text(encoding="utf-8") == "原文件"
    write_atomic(link, "新", force=True)
    assert not link.is_symlink()
    assert link.read_text(encoding="utf-8") == "新"
    assert real.read_text(encoding="utf-8") == "原文件"


def test_no_temp_file_is_left_behind(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.md", "一")
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_stale_temp_files_of_dead_runs_are_cleaned(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".a.md.{dead.stdout.strip()}-0123abcd.tmp"
    legacy = tmp_path / ".b.md.k3j_x9qz.tmp"  # mkstemp's name, from before the pid
    live = tmp_path / f".c.md.{os.getpid()}-0123abcd.tmp"
    other = tmp_path / ".notes.tmp"  # not drafter's
    for p in (stale, legacy, live, other):
        p.write_bytes(b"")
    removed = clean_stale_temp_files(tmp_path)
    assert sorted(removed) == sorted([stale, legacy])
    assert live.exists() and other.exists()


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("---\norg: 北京气象学会\n---\n正文: 一", "---\norg: 北京气象学会\n---\n"),
        ("\ufeff---\ndate: 2026-05-08\n...\n正文", "\ufeff---\ndate: 2026-05-08\n...\n"),
        ("正文\n---\norg: x\n---\n", ""),
    ],
)
def test_front_matter_block_is_split_verbatim(text: str, head: str) -> None:
    got_head, rest = split_front_matter_block(text)
    assert (got_head, got_head + rest) == (head, text)


# -- reading: special files -------------------------------------------------------------


def test_utf16_and_utf32_with_bom_are_decoded(tmp_path: Path) -> None:
    for codec, name in (("utf-16", "utf-16"), ("utf-32", "utf-32")):
        path = tmp_path / f"{codec}.txt"
        path.write_bytes(TEXT.encode(codec))  # Python writes the BOM
        decoded = read_text(path)
        assert (decoded.text, decoded.encoding) == (TEXT, name)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="命名管道"):
        read_text(fifo)


def test_device_is_refused_without_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="设备文件"):
        read_text("/dev/zero")


def test_symlink_loop_says_so(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(InputError, match="循环的符号链接"):
        read_text(a)


def test_closed_stdin_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = io.TextIOWrapper(io.BytesIO(b""))
    closed.close()
    monkeypatch.setattr(sys, "stdin", closed)
    with pytest.raises(InputError, match="标准输入已关闭"):
        read_text("-")
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputError, match="标准输入已关闭"):
        read_text("-")
