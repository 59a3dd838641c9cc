"""Token counting offline, message accounting, and token-bounded chunking."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drafter.model import tokens
from drafter.model.tokens import count_messages, count_tokens, estimate_usage, split_by_tokens

REPORT = (
    "5月8日上午，北京气象学会在海淀区召开第九届理事会第三次会议，"
    "来自全市气象、航空、农业等领域的42名理事参加会议。\n\n"
    "会议审议通过了《北京气象学会2026年工作要点》，"
    "决定今年组织“气象科普进社区”活动30场。"
)


def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network blocked by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_counts_with_the_network_blocked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import tiktoken.registry

    _block_network(monkeypatch)
    # Force a cold load: no encoding in memory and an empty tiktoken cache dir.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken"))
    monkeypatch.delitem(tiktoken.registry.ENCODINGS, tokens.ENCODING_NAME, raising=False)
    tokens._encoding.cache_clear()
    try:
        n = count_tokens(REPORT)
        assert tokens._encoding() is not None, "the offline encoding must load without network"
    finally:
        tokens._encoding.cache_clear()
    assert 0 < n < len(REPORT) * 3


def test_count_is_additive_in_spirit_and_empty_is_zero() -> None:
    a, b = "北京气象学会召开理事会。", "会议选举产生新一届理事会。"
    assert count_tokens("") == 0
    assert count_tokens(a) > 0
    # BPE merges across the join can save a token or two, never add many.
    assert abs(count_tokens(a + b) - (count_tokens(a) + count_tokens(b))) <= 2


def test_special_token_text_is_counted_not_rejected() -> None:
    assert count_tokens("<|endoftext|>") > 1


def test_fallback_estimate_when_offline_encoding_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tokens, "_encoding", lambda: None)
    assert count_tokens("北京气象学会") == 6
    assert count_tokens("abcdefgh") == 2


def test_messages_cost_more_than_their_content() -> None:
    msgs = [("system", "你是编辑。"), ("user", REPORT)]
    content = count_tokens("你是编辑。") + count_tokens(REPORT)
    assert count_messages(msgs) > content
    assert count_messages([{"role": "user", "content": REPORT}]) == count_messages(
        [("user", REPORT)]
    )


def test_estimate_usage_is_marked_estimated() -> None:
    usage = estimate_usage([("user", REPORT)], '{"headline": "北京气象学会召开理事会"}')
    assert usage.estimated
    assert usage.prompt_tokens == count_messages([("user", REPORT)])
    assert usage.completion_tokens > 0


def test_short_text_is_one_chunk() -> None:
    assert split_by_tokens(REPORT, 10_000) == [REPORT]
    assert split_by_tokens("  \n ", 10) == []


def test_long_text_splits_between_paragraphs_within_budget() -> None:
    paras = [f"第{i}段：{REPORT.splitlines()[0]}" for i in range(1, 31)]
    text = "\n\n".join(paras)
    budget = count_tokens(paras[0]) * 4
    chunks = split_by_tokens(text, budget)
    assert len(chunks) > 1
    assert all(count_tokens(c) <= budget for c in chunks)
    # No paragraph is cut: each chunk is whole paragraphs.
    assert [p for c in chunks for p in c.split("\n\n")] == paras


def test_a_paragraph_longer_than_the_budget_splits_at_sentences() -> None:
    sentences = [f"第{i}项工作按计划推进，完成率达到{i}0%。" for i in range(1, 40)]
    para = "".join(sentences)
    chunks = split_by_tokens(para, 60)
    assert all(count_tokens(c) <= 60 for c in chunks)
    assert "".join(chunks) == para
    assert all(c.endswith("。") for c in chunks)


def test_budget_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_by_tokens(REPORT, 0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(alphabet="科协学会召开会议。，北京12ab ", min_size=1, max_size=80),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=5, max_value=60),
)
@example(parts=["11111111a1协111"], budget=5)  # digits merge across a character cut
def test_chunks_keep_every_character_and_fit(parts: list[str], budget: int) -> None:
    text = "\n\n".join(parts)
    chunks = split_by_tokens(text, budget)
    assert all(count_tokens(c) <= budget for c in chunks)
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    assert squeeze("".join(chunks)) == squeeze(text)
