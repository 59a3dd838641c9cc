"""Splitting sentences and finding what is outside quotations (drafter.text.sentences)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafter.text.sentences import outside_quotes, split_sentences


def test_split_never_inside_a_quotation() -> None:
    text = "王立新表示：“要服务会员。要办好学术年会！”会议结束。随后参观了展厅。"
    assert split_sentences(text) == [
        "王立新表示：“要服务会员。要办好学术年会！”",
        "会议结束。",
        "随后参观了展厅。",
    ]


def test_split_keeps_an_unterminated_tail() -> None:
    assert split_sentences("会议召开。专家参加") == ["会议召开。", "专家参加"]


def test_outside_quotes_spans() -> None:
    text = "我会表示，“我们将努力”，我会将继续。"
    outside = "".join(text[a:b] for a, b in outside_quotes(text))
    assert "我们" not in outside and outside.count("我会") == 2


# How a revision diff reads a brief (drafter.store.workflow): every line break and every
# ；!? ends a sentence, and quotation marks are ordinary characters.
_DIFF = {"stops": "。！？!?；", "quotes": False, "lines": True}


def test_diff_reading_keeps_closing_quotes_and_breaks_lines() -> None:
    assert split_sentences("他说：“好。”随后散会。", **_DIFF) == ["他说：“好。”", "随后散会。"]
    assert split_sentences("第一句；第二句!\n第三句", **_DIFF) == ["第一句；", "第二句!", "第三句"]
    # Quotation marks do not hold a sentence together here, as they do by default.
    assert split_sentences("他说：“好。走吧。”", **_DIFF) == ["他说：“好。", "走吧。”"]
    assert split_sentences("他说：“好。走吧。”") == ["他说：“好。走吧。”"]


def test_diff_reading_takes_stops_then_closers() -> None:
    # After a sentence's closing quote, a stray stop stands alone (and takes no closer).
    assert split_sentences("好。”。”再见", **_DIFF) == ["好。”", "。", "”再见"]
    # By default every stop and closer after a stop stays with the sentence.
    assert split_sentences("他说：“加油！”。再见") == ["他说：“加油！”。", "再见"]


_ALPHABET = st.sampled_from(list("。！？!?；”’」』）)“「『《》（字a \n"))


@given(st.text(_ALPHABET, max_size=30))
def test_sentences_cover_the_text(text: str) -> None:
    # Splitting drops only white space: joined back, the sentences hold every other
    # character of the text, in order.
    for kwargs in ({}, _DIFF):
        joined = "".join(split_sentences(text, **kwargs))  # type: ignore[arg-type]
        assert "".join(joined.split()) == "".join(text.split())
