"""Character-level repairs of a report, before the paste cleaning: each one a note.

In order: GBK text that was read as Latin-1 (mojibake) is decoded again where the
bytes survive, and reported where they do not; control characters and direction marks
go; traditional characters become simplified (OpenCC ``t2s``); pinyin written after
each character (學(xué)會(huì)) goes. Each repair adds an ``ingest.cleaned`` note
naming it, so an editor can see what drafter changed before drafting.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from drafter.schemas import Finding
from drafter.text.characters import (
    describe_control,
    find_control_characters,
    strip_control_characters,
)

__all__ = ["CharRepairs", "repair_characters"]

# A mojibake line: Latin-1 letters where Chinese should be, and no Chinese at all.
_LATIN1_RUN_RE = re.compile("[\u0080-\u00ff\ufffd€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
_STILL_WRONG_RE = re.compile("[\u0080-\u00a0\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\ufffd]")
_CJK_RE = re.compile("[\u4e00-\u9fff]")
# cp1252 puts printable characters where Latin-1 has C1 controls; a page decoded as
# cp1252 shows these instead.
_CP1252_EXTRA = set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
# Characters that exist only in traditional writing and are common in reports; their
# presence is what makes loading OpenCC worth it.
_TRADITIONAL_HINT_RE = re.compile(
    "[會學區動體機關與進國這們來時為說對發應當經實現開員務議長過點還問題業書協將衛"
    "專務參級師產農術隊傳組織單際項報導領頒獎屆範圍]"
)
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_PINYIN_RE = re.compile(
    rf"(?<=[\u4e00-\u9fff])[（(]\s*(?P<py>[a-z{_TONES}]{{1,6}}[1-5]?)\s*[）)]", re.IGNORECASE
)
_TONE_RE = re.compile(f"[{_TONES}1-5]")
_BREAKS = str.maketrans(dict.fromkeys("\r\f\v", "\n"))


@dataclass
class CharRepairs:
    """The repaired text and the notes that name each repair."""

    text: str
    notes: list[Finding] = field(default_factory=list)

    def note(self, message: str, *, excerpt: str | None = None, warning: bool = False) -> None:
        self.notes.append(
            Finding(
                rule="ingest.mojibake" if warning else "ingest.cleaned",
                severity="warning" if warning else "info",
                message=message,
                excerpt=excerpt,
            )
        )


def repair_characters(text: str) -> CharRepairs:
    """Run the character repairs on ``text``; see the module docstring."""
    out = CharRepairs(text)
    _mojibake(out)
    _controls(out)
    _traditional(out)
    _pinyin(out)
    return out


def _mojibake(out: CharRepairs) -> None:
    fixed_lines = 0
    broken: list[str] = []
    lines = out.text.split("\n")
    for n, line in enumerate(lines):
        latin1 = len(_LATIN1_RUN_RE.findall(line))
        # A French word or a "°C" is not mojibake: there most letters are Latin-1.
        if _CJK_RE.search(line) or latin1 < 4 or latin1 < 0.3 * len(line.replace(" ", "")):
            continue
        repaired = _undo_latin1(line)
        if repaired is None:
            broken.append(line)
        else:
            lines[n] = repaired
            fixed_lines += 1
    if fixed_lines:
        out.text = "\n".join(lines)
        out.note(f"已还原乱码：{fixed_lines} 行 GBK 文字曾被误作 Latin-1 读取")
    if broken:
        out.note(
            f"疑似乱码：{len(broken)} 行无法还原，请向报送单位索取原文件",
            excerpt=broken[0][:40],
            warning=True,
        )


def _undo_latin1(line: str) -> str | None:
    """The line decoded again, if its characters are the Latin-1/cp1252 view of GBK or UTF-8."""
    for wrong in ("latin-1", "cp1252"):
        if wrong == "latin-1" and any(ch in _CP1252_EXTRA for ch in line):
            continue
        try:
            raw = line.encode(wrong)
        except UnicodeEncodeError:
            continue
        for right in ("utf-8", "gb18030"):
            try:
                decoded = raw.decode(right)
            except UnicodeDecodeError:
                continue
            if _CJK_RE.search(decoded) and not _STILL_WRONG_RE.search(decoded):
                return decoded
    return None


def _controls(out: CharRepairs) -> None:
    # Line breaks by other names (Mac CR, pdftotext's \f, Word's \v) are line breaks.
    out.text = out.text.replace("\r\n", "\n").translate(_BREAKS)
    found = find_control_characters(out.text)
    if not found:
        return
    kinds = "、".join(dict.fromkeys(describe_control(c.char) for c in found))
    out.text, count = strip_control_characters(out.text)
    out.note(f"已删除 {count} 个控制字符或文字方向标记：{kinds}")


_T2S_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # loaded only for a page in traditional characters

    return opencc.OpenCC("t2s")


def _traditional(out: CharRepairs) -> None:
    hints = len(_TRADITIONAL_HINT_RE.findall(out.text))
    if hints < 2:
        return
    with _T2S_LOCK:  # batches ingest on threads; OpenCC does not promise thread safety
        converted = str(_t2s().convert(out.text))
    changed = sum(1 for a, b in zip(out.text, converted, strict=False) if a != b)
    if len(converted) != len(out.text) or changed == 0:
        return  # t2s maps character to character; anything else is not a plain page
    out.text = converted
    out.note(f"已将繁体字转换为简体（OpenCC t2s），共 {changed} 字")


def _pinyin(out: CharRepairs) -> None:
    found = list(_PINYIN_RE.finditer(out.text))
    # One "(ppt)" after a Chinese word is not pinyin; a run of them, or tone marks, is.
    toned = sum(1 for m in found if _TONE_RE.search(m.group("py")))
    if not found or (len(found) < 3 and toned == 0):
        return
    out.text = _PINYIN_RE.sub("", out.text)
    out.note(f"已删除字后的拼音注音 {len(found)} 处")
