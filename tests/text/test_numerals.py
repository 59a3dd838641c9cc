"""Chinese numeral and width normalization (drafter.text.numerals)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.text.dates import find_dates
from drafter.text.numerals import cn_to_int, find_numbers, parse_quantity, to_halfwidth

_DIGITS = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """A plain reference writer of Chinese numerals below 10^8 (test oracle)."""
    if n == 0:
        return "零"

    def below_10k(k: int) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, k = divmod(k, value)
            if d:
                if zero:
                    out += "零"
                out += _DIGITS[d] + unit
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    if not high:
        text = below_10k(low)
    else:
        text = below_10k(high) + "万" + ("零" if 0 < low < 1000 else "") + below_10k(low)
    return text[1:] if text.startswith("一十") else text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十四", 14),
        ("两", 2),
        ("一百二十五", 125),
        ("十", 10),
        ("二十", 20),
        ("两千", 2000),
        ("一万零五", 10005),
        ("三亿五千万", 350_000_000),
        ("二〇二三", 2023),
        ("一千二百万", 12_000_000),
    ],
)
def test_cn_to_int_known_values(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["", "abc", "十四五规划", "第九"])
def test_cn_to_int_rejects_non_numerals(text: str) -> None:
    assert cn_to_int(text) is None


@pytest.mark.parametrize(
    ("s", "n"),
    [("8", 8), ("十", 10), ("十二", 12), ("二十一", 21), ("三十", 30), ("二〇二六", 2026)],
)
def test_cn_to_int_reads_the_numerals_of_dates(s: str, n: int) -> None:
    assert cn_to_int(s) == n


@given(st.integers(min_value=0, max_value=99_999_999))
def test_cn_to_int_round_trips_the_reference_writer(n: int) -> None:
    assert cn_to_int(_to_chinese(n)) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [("500万", 5_000_000), ("3.5亿", 350_000_000), ("1,200", 1200), ("五百万", 5_000_000)],
)
def test_parse_quantity(text: str, value: int) -> None:
    assert parse_quantity(text) == Decimal(value)


def test_to_halfwidth_keeps_length_and_converts_digits() -> None:
    text = "１２５名，ＡＩ赋能　５００万元"
    half = to_halfwidth(text)
    assert len(half) == len(text)
    assert half == "125名,AI赋能 500万元"


def _keys(text: str) -> list[str]:
    dates = find_dates(text)
    return [n.key for n in find_numbers(text, skip=[(d.start, d.end) for d in dates])]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("14人", "十四人"),
        ("125名", "一百二十五名"),
        ("14名", "14位"),
        ("2个标准", "两个标准"),
        ("500万元", "五百万元"),
        ("30%", "百分之三十"),
        ("1200余人次", "1,200人次"),
        ("第九届", "第9届"),
        ("第九届", "九届"),
    ],
)
def test_equivalent_numbers_share_a_key(a: str, b: str) -> None:
    assert _keys(a) == _keys(b)
    assert _keys(a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("14人", "15人"), ("14人", "14项"), ("第九届", "第十届"), ("500万元", "500元")],
)
def test_different_numbers_have_different_keys(a: str, b: str) -> None:
    assert _keys(a) != _keys(b)


@pytest.mark.parametrize(
    "text", ["一是加强学习", "十四五规划", "一次会议", "千人进千企", "G20峰会"]
)
def test_fixed_expressions_are_not_counted(text: str) -> None:
    assert _keys(text) == []


def test_ordinal_stays_an_ordinal() -> None:
    (n,) = find_numbers("第九届理事会")
    assert n.ordinal
    assert n.key == "第9届"
