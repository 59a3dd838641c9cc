"""Hostile and broken input through every reading command: exit 2, Chinese, no traceback.

Every bad file is generated here; nothing binary is committed.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli import app
from drafter.errors import InputError
from drafter.ingest.docx_reader import docx_text
from drafter.text.files import read_text

REPORT = "5月8日，北京气象学会召开初审会。专家14人参加会议。\n\n会议审议了三项团体标准。\n"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
    'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def _docx(document_xml: str | bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def _doc(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}</w:body></w:document>'


GOOD_DOCX_XML = _doc("<w:p><w:r><w:t>5月8日，北京气象学会召开初审会。</w:t></w:r></w:p>")
ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
        for i in range(9)
    )
    + f"]><w:document {_W}><w:body><w:p><w:r><w:t>&lol8;</w:t></w:r></w:p></w:body></w:document>"
)


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", GOOD_DOCX_XML)
        z.writestr("word/media/padding.bin", b"\0" * (65 * 1024 * 1024))


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _loop(path: Path) -> None:
    other = path.with_name("other.txt")
    path.symlink_to(other)
    other.symlink_to(path)


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("gone.txt"))


# kind → (file name, how to make it, what the message must say)
Maker = Callable[[Path], object]
BAD: dict[str, tuple[str, Maker, str]] = {
    "empty": ("r.txt", lambda p: p.write_bytes(b""), "空的"),
    "blank": ("r.txt", lambda p: p.write_bytes(b" \n\t\n"), "空的"),
    "nul-bytes": ("r.txt", lambda p: p.write_bytes(b"\x00\x01\x02binary" * 50), "二进制"),
    "undecodable": ("r.txt", lambda p: p.write_bytes(b"\xff\xfe\xfa\xfb\x81\x30" * 10), "编码"),
    "bad-utf16": ("r.txt", lambda p: p.write_bytes(b"\xff\xfe\x00\xd8"), "二进制"),
    "directory": ("r.txt", lambda p: p.mkdir(), "目录"),
    "missing": ("r.txt", lambda p: None, "找不到文件"),
    "not-a-dir-component": ("r.txt", lambda p: None, "找不到文件"),
    "oversize": ("r.txt", lambda p: p.write_bytes(b"a" * (3 * 1024 * 1024)), "过大"),
    "dev-zero": ("", lambda p: None, "设备文件"),
    "fifo": ("r.txt", _fifo, "命名管道"),
    "symlink-loop": ("r.txt", _loop, "循环的符号链接"),
    "dangling-symlink": ("r.txt", _dangling, "失效的符号链接"),
    "doc-suffix": ("r.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" * 10), ".doc"),
    "docx-not-zip": ("r.docx", lambda p: p.write_text(REPORT, encoding="utf-8"), ".docx"),
    "docx-truncated": ("r.docx", lambda p: p.write_bytes(_docx(GOOD_DOCX_XML)[:300]), ".docx"),
    "docx-no-document": ("r.docx", lambda p: p.write_bytes(_docx_without_document()), ".docx"),
    "docx-broken-xml": (
        "r.docx",
        lambda p: p.write_bytes(_docx("<w:document><w:body><w:p>")),
        "XML",
    ),
    "docx-entity-bomb": ("r.docx", lambda p: p.write_bytes(_docx(ENTITY_BOMB)), "实体声明"),
    "docx-xxe": (
        "r.docx",
        lambda p: p.write_bytes(
            _docx(
                '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + _doc("<w:p><w:r><w:t>&x;</w:t></w:r></w:p>").split("?>", 1)[1]
            )
        ),
        "实体声明",
    ),
    "docx-utf16-doctype": (
        "r.docx",
        lambda p: p.write_bytes(
            _docx(
                (
                    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d []>'
                    + _doc("").split("?>", 1)[1]
                ).encode("utf-16")
            )
        ),
        "实体声明",
    ),
    "docx-zip-bomb": ("r.docx", _zip_bomb, "压缩炸弹"),
    "crlf-only": ("r.txt", lambda p: p.write_bytes(b"\r\n" * 100), "空的"),
    "png-as-txt": (
        "r.txt",
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 4),
        "二进制",
    ),
    "docx-empty": ("r.docx", lambda p: p.write_bytes(_docx(_doc(""))), " 中没有文字"),
}


def _docx_without_document() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
    return buf.getvalue()


def _make(tmp_path: Path, kind: str) -> str:
    name, make, _ = BAD[kind]
    if kind == "dev-zero":
        return "/dev/zero"
    if kind == "not-a-dir-component":
        (tmp_path / "file").write_text(REPORT, encoding="utf-8")
        return str(tmp_path / "file" / name)
    path = tmp_path / name
    make(path)
    return str(path)


COMMANDS: dict[str, list[str]] = {
    "draft": ["draft", "{f}", "--model", "offline"],
    "lint": ["lint", "{f}"],
    "fix": ["fix", "{f}"],
    "fix-write": ["fix", "{f}", "--write"],
    "submit": ["submit", "{f}", "--model", "offline"],
    "issue-parse": ["issue", "parse", "{f}"],
    "issue-render": ["issue", "render", "{f}", "--out", "{out}"],
}
_TEXT_ONLY = {
    "lint",
    "fix",
    "fix-write",
    "issue-parse",
    "issue-render",
}  # these read any file as text


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAFTER_DB", str(tmp_path / "store.db"))
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))


# A text reader given a ".docx" that holds plain text reads it: not bad input for it.
CASES = [
    (kind, command)
    for kind in BAD
    for command in COMMANDS
    if not (kind == "docx-not-zip" and command in _TEXT_ONLY)
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("kind", "command"), CASES)
def test_bad_input_is_exit_2_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, command: str
) -> None:
    if kind == "oversize":
        monkeypatch.setenv("DRAFTER_MAX_INPUT_BYTES", str(2 * 1024 * 1024))
    path = _make(tmp_path, kind)
    out = str(tmp_path / "rendered.md")
    argv = [a.replace("{f}", path).replace("{out}", out) for a in COMMANDS[command]]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, (result.output, result.exception)
    assert "Traceback" not in result.output
    assert _is_chinese(result.stderr)
    _, _, pattern = BAD[kind]
    if command not in _TEXT_ONLY or not path.endswith((".docx", ".doc")):
        assert pattern.strip() in result.stderr, result.stderr
    elif kind != "docx-zip-bomb":  # a text reader meets the zip's bytes first
        assert "二进制" in result.stderr or "编码" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "command", ["draft", "lint", "fix", "submit", "issue-parse", "issue-render"]
)
def test_closed_stdin_is_a_clear_error(tmp_path: Path, command: str) -> None:
    out = str(tmp_path / "rendered.md")
    argv = [a.replace("{f}", "-").replace("{out}", out) for a in COMMANDS[command]]
    env = {**os.environ, "DRAFTER_DB": str(tmp_path / "s.db")}
    # `0<&-`: the process starts with no file descriptor 0 at all.
    script = 'exec "$0" -m drafter "$@" 0<&-'
    proc = subprocess.run(
        ["sh", "-c", script, sys.executable, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "标准输入已关闭" in proc.stderr


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{codec}.txt"
        bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
        path.write_bytes(bom + REPORT.encode(codec))
        decoded = read_text(path)
        assert decoded.text == REPORT
        assert decoded.encoding == "utf-16"
    result = CliRunner().invoke(app, ["draft", str(path), "--model", "offline"])
    assert result.exit_code in (0, 1), result.stderr
    assert "14" in result.stdout


def test_entity_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx(ENTITY_BOMB))
    with pytest.raises(InputError, match="DOCTYPE 或实体声明") as info:
        docx_text(path)
    assert info.value.hint


def test_good_docx_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.docx"
    path.write_bytes(_docx(GOOD_DOCX_XML))
    assert docx_text(path) == "5月8日，北京气象学会召开初审会。"


_TEXT = REPORT.strip()
_FRONT = "---\norg: 北京气象学会\nkind: society\n---\n"
ODD: dict[str, bytes] = {
    "nul-after-8k": (_TEXT + "\n" + "会议内容。" * 700 + "\x00尾").encode(),
    "utf16-no-bom": _TEXT.encode("utf-16-le"),
    "utf32-bom": _TEXT.encode("utf-32"),
    "only-front-matter": _FRONT.encode(),
    "unterminated-front-matter": b"---\norg: x\n" + _TEXT.encode(),
    "bad-yaml-front-matter": b"---\norg: [x\n---\n" + _TEXT.encode(),
    "unknown-key-front-matter": b"---\nsender: x\n---\n" + _TEXT.encode(),
    "only-chrome": "首页 > 新闻\n【打印】【关闭窗口】\n京ICP备05012345号".encode(),
    "controls-everywhere": "".join(ch + "\x9b\u202e\x07" for ch in _TEXT).encode(),
    "mojibake": _TEXT.encode("gbk").decode("latin-1").encode("utf-8"),
    "traditional": "北京氣象學會召開學術年會，專家14人參加會議。".encode(),
    "pinyin": "學(xué)會(huì)召(zhào)開(kāi)年(nián)會(huì)。".encode(),
    "one-huge-line": ("会议召开，" * 300_000).encode()[: 2 * 1024 * 1024 - 10],
    "many-blank-lines": b"\n" * 200_000 + _TEXT.encode(),
    "nested-brackets": ("（" * 5000 + _TEXT + "）" * 5000).encode(),
    "emoji-only": ("\U0001f600" * 50).encode(),
    "punctuation-only": "。。。，，，！！！".encode(),
    "pdf-as-txt": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    "gbk-with-bad-bytes": _TEXT.encode("gbk") + b"\xff\xff\x80",
}
ODD_COMMANDS = ["draft", "lint", "fix", "submit", "issue-parse"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", ODD_COMMANDS)
@pytest.mark.parametrize("kind", list(ODD))
def test_odd_input_never_tracebacks(tmp_path: Path, kind: str, command: str) -> None:
    """Readable but odd input: a result (0/1) or a clear error (2), never a traceback."""
    path = tmp_path / "r.txt"
    path.write_bytes(ODD[kind])
    argv = [a.replace("{f}", str(path)) for a in COMMANDS[command]]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code in (0, 1, 2), (result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert _is_chinese(result.stderr) and "提示" in result.stderr, result.stderr
