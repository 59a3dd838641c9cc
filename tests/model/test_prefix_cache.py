"""Cache-friendly prompts: the shared prefix, cached tokens from the API, the stub's cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr

from drafter.model._answers import cached_tokens
from drafter.model.chains import extract_facts, write_prose
from drafter.model.config import ModelConfig
from drafter.model.providers import clear_built_models
from drafter.schemas import Facts, Report, TokenUsage, report_id_for
from drafter.testing import StubServer
from drafter.testing.stub import common_prefix_tokens

PROSE = {"headline": "北京气象学会召开推进会", "paragraphs": ["5月8日，北京气象学会召开推进会。"]}


def _report(text: str, org: str = "北京气象学会") -> Report:
    return Report(id=report_id_for(text), text=text, org=org, org_short=org)


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    clear_built_models()
    yield
    clear_built_models()


def _config(stub: StubServer, tmp_path: Path) -> ModelConfig:
    return ModelConfig(
        model="stub-model",
        base_url=stub.base_url,
        api_key=SecretStr("k"),
        cache_path=tmp_path / "r.sqlite",
        cache=False,
    )


def test_prompts_put_the_report_last_and_share_a_prefix(tmp_path: Path) -> None:
    with StubServer(responder=lambda r: PROSE, prefix_cache=64) as stub:
        config = _config(stub, tmp_path)
        _, first = write_prose(_report("5月8日，我会召开推进会。"), Facts(), config)
        _, second = write_prose(_report("6月1日，我会举办讲座。", "北京园艺学会"), Facts(), config)
        a, b = (r.messages for r in stub.requests)
    # Everything before the last (user) message is byte-identical across reports.
    assert a[:-1] == b[:-1]
    assert "我会召开推进会" in a[-1]["content"] and "我会召开推进会" not in str(a[:-1])
    shared = first.usage.shared_prefix_tokens
    assert shared == second.usage.shared_prefix_tokens
    assert 0.5 * first.usage.prompt_tokens < shared < first.usage.prompt_tokens
    # The first request finds an empty cache; the second is served at least the prefix.
    assert first.usage.cached_tokens == 0
    assert shared <= second.usage.cached_tokens < second.usage.prompt_tokens


def test_the_facts_prompt_shares_its_prefix_too(tmp_path: Path) -> None:
    with StubServer(responder=lambda r: {"event_dates": []}, prefix_cache=64) as stub:
        config = _config(stub, tmp_path)
        _, first = extract_facts(_report("5月8日，我会召开推进会。"), config)
        _, second = extract_facts(_report("6月1日，我会举办讲座。"), config)
    assert first.usage.shared_prefix_tokens > 0.5 * first.usage.prompt_tokens
    assert second.usage.cached_tokens >= first.usage.shared_prefix_tokens


def test_the_stub_caches_nothing_below_its_minimum(tmp_path: Path) -> None:
    with StubServer(responder=lambda r: PROSE, prefix_cache=100_000) as stub:
        config = _config(stub, tmp_path)
        write_prose(_report("5月8日，我会召开推进会。"), Facts(), config)
        _, second = write_prose(_report("6月1日，我会举办讲座。"), Facts(), config)
    assert second.usage.cached_tokens == 0


def test_common_prefix_counts_whole_messages_then_common_text() -> None:
    a = [("system", "规则一二三"), ("user", "报送单位：甲\n材料")]
    assert common_prefix_tokens(a, a) == common_prefix_tokens(a[:1], a[:1]) + common_prefix_tokens(
        a[1:], a[1:]
    )
    b = [("system", "规则一二三"), ("user", "报送单位：乙\n材料")]
    assert (
        common_prefix_tokens(a[:1], a[:1]) < common_prefix_tokens(a, b) < common_prefix_tokens(a, a)
    )
    assert common_prefix_tokens(a, [("user", "规则一二三")]) == 0


@pytest.mark.parametrize(
    ("meta", "token_usage", "expected"),
    [
        ({"input_token_details": {"cache_read": 640}}, {}, 640),  # OpenAI, Qwen, vLLM
        ({}, {"prompt_cache_hit_tokens": 512, "prompt_cache_miss_tokens": 90}, 512),  # DeepSeek
        ({}, {"prompt_tokens_details": {"cached_tokens": 128}}, 128),
        ({}, {}, 0),
    ],
)
def test_cached_tokens_are_read_as_each_provider_reports_them(
    meta: dict[str, object], token_usage: dict[str, object], expected: int
) -> None:
    raw = SimpleNamespace(usage_metadata=meta, response_metadata={"token_usage": token_usage})
    assert cached_tokens(raw) == expected


def test_usage_adds_cached_and_shared_tokens() -> None:
    a = TokenUsage(prompt_tokens=10, cached_tokens=4, shared_prefix_tokens=6)
    total = a + a
    assert (total.prompt_tokens, total.cached_tokens, total.shared_prefix_tokens) == (20, 8, 12)


def test_each_call_records_the_longest_prefix_of_any_earlier_request(tmp_path: Path) -> None:
    texts = ["5月8日，我会召开推进会。", "5月8日，我会召开年会。", "6月1日，我会举办讲座。"]
    with StubServer(responder=lambda r: PROSE, prefix_cache=64) as stub:
        config = _config(stub, tmp_path)
        stats = [write_prose(_report(t), Facts(), config)[1] for t in texts]
        sent = [[(str(m["role"]), str(m["content"])) for m in r.messages] for r in stub.requests]
    for k, s in enumerate(stats):
        best = max((common_prefix_tokens(sent[k], sent[j]) for j in range(k)), default=0)
        assert s.usage.cached_tokens == best  # read back from the answer, per call
    # The second report opens like the first, so more of it was served from the cache.
    assert (
        stats[1].usage.cached_tokens
        > stats[2].usage.cached_tokens
        > 0
        == stats[0].usage.cached_tokens
    )


def test_the_stub_does_its_own_work_inside_the_latency(tmp_path: Path) -> None:
    def slow(request: object) -> dict[str, Any]:
        threading.Event().wait(0.3)  # a slow responder: routing, counting …
        return PROSE

    with StubServer(responder=slow, latency=0.4) as stub:
        config = _config(stub, tmp_path)
        started = time.monotonic()
        write_prose(_report("5月8日，我会召开推进会。"), Facts(), config)
        elapsed = time.monotonic() - started
    assert stub.delays == [0.4]
    assert 0.4 <= elapsed < 0.65  # not 0.3 + 0.4: the model's latency includes its work
