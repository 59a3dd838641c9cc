"""Chinese and Arabic numerals and character widths, normalized for comparison.

The guard compares a brief with its source after normalization, so that
``十四人`` = ``14人``, ``一百二十五名`` = ``125名`` and ``５００万元`` = ``五百万元``
(dates: :mod:`drafter.text.dates`). Every function here keeps offsets in the string
it is given, so callers can point at the text they found.

A maintained library (``cn2an``) was considered and not used: its wheel installs
stray top-level ``build``/``src``/``example`` packages into site-packages, costs a
quarter of a second to import, and its text transform rewrites ordinals and fixed
expressions (``第九届`` → ``第9届``) that house style keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from drafter.text.lexicon import words

__all__ = [
    "NumberValue",
    "cn_to_int",
    "find_numbers",
    "parse_quantity",
    "to_halfwidth",
    "unit_group",
]


# Full-width ASCII (U+FF01–FF5E) → ASCII and the ideographic space → space. One
# character for one character, so offsets survive.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and ASCII punctuation to half-width; same length."""
    return text.translate(_HALFWIDTH)


_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "零〇○一二两三四五六七八九十百千万亿"


def cn_to_int(s: str) -> int | None:
    """A numeral as an integer: ``14`` 14, ``十四`` 14, ``一百二十五`` 125, ``两千`` 2000,
    ``一万零五`` 10005, ``二〇二三`` 2023 (digit by digit). None when ``s`` is not one.

    The one numeral parser: counts, dates and years all go through it.
    """
    if s.isdecimal():
        return int(s)
    if not s or any(c not in _DIGITS and c not in _SMALL_UNITS and c not in _BIG_UNITS for c in s):
        return None
    if all(c in _DIGITS for c in s):  # digit-by-digit form: 二〇二三
        return int("".join(str(_DIGITS[c]) for c in s))
    total = section = 0
    digit: int | None = None
    last_big = 10**12
    for c in s:
        if c in _DIGITS:
            if digit is not None and _DIGITS[c] != 0:
                return None  # two digits in a row without a unit: 三五
            digit = _DIGITS[c] if _DIGITS[c] else None
        elif c in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[c]
            digit = None
        else:
            big = _BIG_UNITS[c]
            if big >= last_big and total:
                total = (total + section + (digit or 0)) * big  # 一千万亿 style stacking
            else:
                total += (section + (digit or 0)) * big
            last_big = big
            section, digit = 0, None
    return total + section + (digit or 0)


_MAGNITUDE = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000)}


def parse_quantity(s: str) -> Decimal | None:
    """``500万`` → 5000000, ``3.5亿`` → 350000000, ``1,200`` → 1200, ``五百万`` → 5000000."""
    s = to_halfwidth(s).replace(",", "").strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([万亿千]*)", s)
    if m:
        try:
            value = Decimal(m.group(1))
        except InvalidOperation:
            return None
        for c in m.group(2):
            value *= _MAGNITUDE[c]
        return value.normalize()
    n = cn_to_int(s)
    return Decimal(n) if n is not None else None


# -- numbers with units -----------------------------------------------------------------

# Measure words and units, longest first so 万元 wins over 万 and 人次 over 人.
_UNITS = sorted(
    words("""名 人 位 个 项 家 所 场 次 人次 期 届 批 篇 本 册 部 件 条 类 种 点 台 套 支 队 组 轮 层
    座 间 门 节 章 卷 份 幅 枚 株 棵 辆 架 艘 只 头 张 元 美元 岁 倍 年 天 日 周 月 小时 分钟
    秒 米 千米 公里 平方米 平方公里 公顷 亩 吨 千克 公斤 克 升 度 % 万元 亿元 万人 户 村 校
    所 篇次 课时 学时 课 讲 期次 阶段 部分 方面 余 多"""),
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS if u not in ("余", "多"))

# Units that count the same things: a brief may write 14名 for the source's 14人.
_UNIT_GROUPS = {"名": "人", "位": "人", "人": "人"}
_UNIT_GROUPS |= dict.fromkeys("个项类种件条批套", "个")
_UNIT_GROUPS |= dict.fromkeys("家所", "家")
_UNIT_GROUPS |= dict.fromkeys("次场轮", "次")
_UNIT_GROUPS |= {"天": "天", "日": "天", "公里": "千米", "千米": "千米", "公斤": "千克"}


def unit_group(unit: str) -> str:
    """The unit a comparison uses: 名/位/人 → 人, 个/项/类… → 个."""
    return _UNIT_GROUPS.get(unit, unit)


@dataclass(frozen=True)
class NumberValue:
    """A number found in text: value, unit and whether it is an ordinal (第九届)."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    ordinal: bool = False

    @property
    def key(self) -> str:
        value = format(self.value, "f")
        if self.ordinal:
            return f"第{value}{self.unit}"
        return f"{value}{unit_group(self.unit)}"


_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUM = f"[{CN_CHARS}]+"
_APPROX = r"(?:余|多|来)?"
_NUMBER_RE = re.compile(
    rf"""
    (?P<ord>第)?
    (?:
        百分之(?P<pct>[{CN_CHARS}点]+|\d+(?:\.\d+)?)
      | (?P<ar>{_ARABIC})(?P<mag>[万亿千]*){_APPROX}
        (?:(?P<aunit>{_UNIT_RE})|(?P<apct>%))?
      | (?P<cn>{_CN_NUM}){_APPROX}(?P<cunit>{_UNIT_RE})?
    )
    """,
    re.VERBOSE,
)


def _cn_pct(s: str) -> Decimal | None:
    whole, _, frac = s.partition("点")
    n = cn_to_int(whole)
    if n is None:
        return None
    if not frac:
        return Decimal(n)
    digits = "".join(str(_DIGITS.get(c, "")) for c in frac)
    return Decimal(f"{n}.{digits}") if digits else Decimal(n)


def find_numbers(
    text: str, *, skip: list[tuple[int, int]] | None = None, every: bool = False
) -> list[NumberValue]:
    """Numbers with their units in ``text`` (half-width, whitespace-free text expected).

    Chinese numerals count only with a measure word after them (``十四人``,
    ``四点要求``) or as an ordinal (``第九届``), so ``一是`` and ``十四五`` are not
    numbers; a bare ``一`` (``一次``、``一批``) and a bare magnitude (``百名``) are too
    generic to be facts and are left out unless ``every`` (the source side keeps them:
    more support never raises an error). Spans in ``skip`` are not searched.
    """
    out: list[NumberValue] = []
    blocked = bytearray(len(text))
    for bs, be in skip or []:
        blocked[bs:be] = b"\x01" * (be - bs)
    for m in _NUMBER_RE.finditer(text):
        s, e = m.span()
        if any(blocked[s:e]):
            continue
        if s > 0 and (text[s - 1].isascii() and text[s - 1].isalpha()):
            continue  # a code such as G20 or 5G is part of a name, not a count
        ordinal = m.group("ord") is not None
        if m.group("pct") is not None:
            value = _cn_pct(m.group("pct"))
            unit = "%"
        elif m.group("ar") is not None:
            value = parse_quantity(m.group("ar") + m.group("mag"))
            unit = m.group("aunit") or m.group("apct") or ""
        else:
            cn = m.group("cn")
            unit = m.group("cunit") or ""
            if not unit and not ordinal:
                continue
            if cn in ("万", "亿", "千", "百") and not ordinal and not every:
                continue  # 万人空巷, 千方百计: a magnitude alone is a figure of speech
            value = parse_quantity(cn)
            if value == 1 and not ordinal and not every:
                continue
        if value is None:
            continue
        if unit == "届":
            ordinal = True  # 九届一次 names the ninth congress, as 第九届 does
        if unit in ("万元", "亿元"):
            value *= _MAGNITUDE[unit[0]]
            unit = "元"
        elif unit == "万人":
            value *= _MAGNITUDE["万"]
            unit = "人"
        out.append(NumberValue(s, e, m.group(0), value.normalize(), unit, ordinal))
    return out
