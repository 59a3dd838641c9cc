"""Reading user files: encodings, line endings and every kind of bad input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from drafter.errors import EncodingError, InputError
from drafter.text.files import decode_bytes, read_text

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
