"""Chinese and Arabic numerals, widths and date forms, normalized for comparison.

The guard compares a brief with its source after normalization, so that
``十四人`` = ``14人``, ``一百二十五名`` = ``125名``, ``五月八日`` = ``5月8号`` =
``2023-05-08`` and ``５００万元`` = ``五百万元``. Every function here keeps offsets in
the string it is given, so callers can point at the text they found.

A maintained library (``cn2an``) was considered and not used: its wheel installs
stray top-level ``build``/``src``/``example`` packages into site-packages, costs a
quarter of a second to import, and its text transform rewrites ordinals and fixed
expressions (``第九届`` → ``第9届``) that house style keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "DateValue",
    "NumberValue",
    "cn_to_int",
    "find_dates",
    "find_numbers",
    "parse_quantity",
    "to_halfwidth",
    "unit_group",
]


def _words(text: str) -> list[str]:
    """Whitespace-separated words: long word lists stay readable."""
    return text.split()


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
    """A Chinese numeral as an integer: ``十四`` 14, ``一百二十五`` 125, ``两千`` 2000,
    ``一万零五`` 10005, ``二〇二三`` 2023 (digit by digit). None when ``s`` is not one."""
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
    _words("""名 人 位 个 项 家 所 场 次 人次 期 届 批 篇 本 册 部 件 条 类 种 点 台 套 支 队 组 轮 层
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
    n = cn_to_int(whole) if not whole.isdigit() else int(whole)
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


# -- dates ---------------------------------------------------------------------------------

_CN_SMALL = "〇零○一二三四五六七八九十"
_D = rf"(?:\d{{1,2}}|[{_CN_SMALL}]{{1,3}})"
_YR = rf"(?:\d{{4}}|[{_CN_SMALL}]{{4}})"
_DATE_RE = re.compile(
    rf"""
    (?<![\d.])
    (?:
        (?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})(?![\d.])[日号]?
      | (?:(?P<y>{_YR})年)?(?P<m>{_D})月(?:份)?(?:(?P<d>{_D})[日号])?
        (?:[至到~—\-－]+(?:(?P<m2>{_D})月)?(?P<d2>{_D})[日号])?
      | (?P<yo>{_YR})年(?!\d*个?月|度)
      | (?P<yd>{_YR})年度
    )
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class DateValue:
    """A date found in text; ``year``, ``month`` or ``day`` is None when not written."""

    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None

    @property
    def key(self) -> str:
        y = f"{self.year:04d}" if self.year else "-"
        m = f"-{self.month:02d}" if self.month else ""
        d = f"-{self.day:02d}" if self.day else ""
        return y + m + d

    def agrees(self, other: DateValue) -> bool:
        """True when ``other`` (a source date) supports ``self`` (a brief's date): the
        parts ``self`` writes are written there too and equal; a year missing on one
        side is no contradiction (briefs drop the year of the issue)."""
        if self.month is None:
            return self.year is not None and self.year == other.year
        if other.month != self.month:
            return False
        if self.day is not None and other.day != self.day:
            return False
        return not (self.year and other.year and self.year != other.year)


def _num(s: str | None) -> int | None:
    if s is None:
        return None
    if s.isdigit():
        return int(s)
    return cn_to_int(s)


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    return (
        (m is None or 1 <= m <= 12)
        and (d is None or 1 <= d <= 31)
        and (y is None or 1900 <= y <= 2999)
    )


def find_dates(text: str) -> list[DateValue]:
    """Dates in ``text``: ``2023年5月8日``, ``5月8号``, ``五月八日``, ``2023-05-08``,
    ``5月``, ``2023年`` and ranges (``4月25日至26日`` gives two dates)."""
    out: list[DateValue] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        s, e = m.span()
        parts: tuple[int | None, int | None, int | None]
        if g["iy"]:
            parts = (int(g["iy"]), int(g["im"]), int(g["id"]))
        elif g["m"]:
            parts = (_num(g["y"]), _num(g["m"]), _num(g["d"]))
        else:
            parts = (_num(g["yo"] or g["yd"]), None, None)
        if not _valid(*parts) or (parts[1] is None and parts[0] is None):
            continue
        if g["m"] and not g["d"] and not g["y"] and not g["m"].isdigit() and len(g["m"]) > 2:
            continue  # 十一月 alone is fine, but guard against odd runs of numerals
        out.append(DateValue(s, e, m.group(0), *parts))
        if g.get("d2"):
            month = _num(g["m2"]) if g["m2"] else parts[1]
            day = _num(g["d2"])
            if _valid(parts[0], month, day):
                out.append(DateValue(s, e, m.group(0), parts[0], month, day))
    return out
