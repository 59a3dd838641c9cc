"""Malformed and hostile model answers, served by the stub server to the real ChatOpenAI."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from drafter.drafting.pipeline import draft
from drafter.errors import ModelError, OutputValidationError, exit_code_for
from drafter.model.cache import ResponseCache
from drafter.model.chains import Prose, write_prose
from drafter.model.config import METHODS, ModelConfig
from drafter.model.providers import clear_built_models
from drafter.model.transport import MAX_RESPONSE_BYTES, deadline
from drafter.schemas import Facts, Report, report_id_for
from drafter.testing import Reply, StubServer

TEXT = "5月8日上午，北京气象学会在北京市气象局召开青少年气象科普工作推进会，38所学校参加。"
PROSE = {
    "headline": "北京气象学会召开青少年气象科普工作推进会",
    "paragraphs": [
        "5月8日上午，北京气象学会在北京市气象局召开青少年气象科普工作推进会，38所学校参加。"
    ],
}
ANSWER = json.dumps(PROSE, ensure_ascii=False)


def report() -> Report:
    return Report(id=report_id_for(TEXT), text=TEXT, org="北京气象学会", org_short="北京气象学会")


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    clear_built_models()
    yield
    clear_built_models()


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


def config_for(stub: StubServer, tmp_path: Path, **kw: Any) -> ModelConfig:
    values: dict[str, Any] = {
        "model": "stub-model",
        "base_url": stub.base_url,
        "api_key": SecretStr("sk-faults-test-0123456789"),
        "cache_path": tmp_path / "responses.sqlite",
        "max_retries": 1,
        "timeout": 5.0,
        "facts_min_tokens": 0,  # the whole chain: facts, then prose
    }
    values.update(kw)
    return ModelConfig(**values)


# -- answers that are not chat completions: a clear exit-3 error after bounded retries --


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply.body("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"), "HTML 网页"),
        (Reply.body("<html>登录</html>", content_type="application/json"), "HTML 网页"),
        (Reply.body("upstream busy", content_type="text/plain"), "不是 JSON"),
        (Reply.no_choices(), "choices 为空"),
    ],
    ids=["html", "html-as-json", "plain-text", "no-choices"],
)
def test_a_body_that_is_not_a_completion_is_a_model_error(
    method: str, reply: Reply, words: str, stub: StubServer, tmp_path: Path
) -> None:
    stub.enqueue(reply, reply)
    with pytest.raises(ModelError) as caught:
        write_prose(report(), Facts(), config_for(stub, tmp_path, method=method))
    assert not isinstance(caught.value, OutputValidationError)
    assert words in caught.value.message and "重试 1 次" in caught.value.message
    assert "--base-url" in (caught.value.hint or "")
    assert exit_code_for(caught.value) == 3
    assert len(stub.requests) == 2  # the first try and max_retries=1 retry, no more


# -- cut off by the length limit: once more with a larger bound, then a clear error --------


@pytest.mark.parametrize("method", METHODS)
def test_a_cut_off_answer_is_asked_again_with_twice_the_bound(
    method: str, stub: StubServer, tmp_path: Path
) -> None:
    stub.enqueue(Reply.raw(ANSWER[:40], finish_reason="length"), Reply.raw(ANSWER))
    prose, stats = write_prose(report(), Facts(), config_for(stub, tmp_path, method=method))
    assert prose == Prose.model_validate(PROSE)
    assert stats.calls == 2
    first, second = (r.body["max_completion_tokens"] for r in stub.requests)
    assert (first, second) == (4096, 8192)


@pytest.mark.parametrize("method", METHODS)
def test_an_answer_cut_off_twice_is_a_clear_error(
    method: str, stub: StubServer, tmp_path: Path
) -> None:
    cut = Reply.raw(ANSWER[:40], finish_reason="length")
    stub.enqueue(cut, cut, Reply.raw(ANSWER))
    config = config_for(stub, tmp_path, method=method)
    with pytest.raises(OutputValidationError, match="被长度上限截断") as caught:
        write_prose(report(), Facts(), config)
    assert len(stub.requests) == 2 and stub.pending == 1
    assert caught.value.raw_output == ANSWER[:40]
    assert len(ResponseCache(config.resolved_cache_path())) == 0


# -- shapes real models wrap their JSON in: repaired by parsing ---------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "reply",
    [
        Reply.raw("```json\n" + ANSWER + "\n```"),
        Reply.raw('<think>用户要一篇简讯，先列出要素：{"时间": "5月8日"}</think>\n\n' + ANSWER),
        Reply.raw("<think>\n想一想\n</think>```json\n" + ANSWER + "\n```"),
        Reply.raw(ANSWER, reasoning="先看材料，再按版式写标题和正文。"),
        Reply.raw("好的，以下是简讯：\n" + ANSWER + "\n\n以上内容供参考，如需修改请告诉我。"),
        Reply.raw(ANSWER + "\n希望对您有帮助。"),
        Reply.raw("```json\n" + ANSWER + "\n```\n说明：标题已去掉句号。"),
    ],
    ids=[
        "fence",
        "think",
        "think-fence",
        "reasoning-field",
        "chatter-around",
        "chatter-after",
        "fence-chatter",
    ],
)
def test_wrapped_answers_are_parsed(
    method: str, reply: Reply, stub: StubServer, tmp_path: Path
) -> None:
    stub.enqueue(reply)
    prose, stats = write_prose(report(), Facts(), config_for(stub, tmp_path, method=method))
    assert prose == Prose.model_validate(PROSE)
    assert stats.calls == 1


def test_a_think_block_alone_is_an_output_error(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(Reply.raw("<think>" + ANSWER + "</think>"))
    with pytest.raises(OutputValidationError, match="没有输出"):
        write_prose(report(), Facts(), config_for(stub, tmp_path, method="json_mode"))


# -- an oversize answer fails at the bound, fast and small ----------------------------------


def test_an_oversize_answer_fails_fast(stub: StubServer, tmp_path: Path) -> None:
    content = json.dumps(
        {"headline": "长" * (7 * 1024 * 1024), "paragraphs": ["x"]}, ensure_ascii=False
    )
    body = json.dumps(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "stub-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        },
        ensure_ascii=False,
    ).encode()
    assert len(body) > 20 * 1024 * 1024
    stub.enqueue(Reply.body(body, content_type="application/json"))
    config = config_for(stub, tmp_path, method="json_mode")
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ModelError, match="超过 4 MB 上限") as caught:
        write_prose(report(), Facts(), config)
    assert time.monotonic() - started < 5
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200  # the body and its bytes copy, never the parsed 20 MB
    assert exit_code_for(caught.value) == 3
    assert len(stub.requests) == 1  # an oversize answer is not asked for again
    assert len(body) > MAX_RESPONSE_BYTES


def test_an_answer_within_the_bound_passes(stub: StubServer, tmp_path: Path) -> None:
    long = {**PROSE, "paragraphs": [PROSE["paragraphs"][0]] * 200}
    stub.enqueue(Reply.json(long))
    prose, _ = write_prose(report(), Facts(), config_for(stub, tmp_path))
    assert len(prose.paragraphs) == 200


# -- one deadline: a hanging endpoint fails within it, saying what was tried --------------


def test_a_hanging_endpoint_fails_within_the_deadline(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(*[Reply.hang(30)] * 4)
    config = config_for(stub, tmp_path, timeout=60.0, max_retries=3)
    started = time.monotonic()
    with deadline(1.0), pytest.raises(ModelError) as caught:
        write_prose(report(), Facts(), config)
    spent = time.monotonic() - started
    assert 0.9 < spent < 2.0
    assert "1 秒时限" in caught.value.message
    assert "已发出 1 次请求" in caught.value.message and "用时 1.0 秒" in caught.value.message
    assert "--timeout" in (caught.value.hint or "")
    assert len(stub.requests) == 1


def test_the_deadline_covers_the_whole_brief(
    stub: StubServer, tmp_path: Path, profile: Any
) -> None:
    # Facts answer at once; prose hangs: the brief's one deadline stops it, not 60 s × 4.
    stub.enqueue(Reply.json({}), *[Reply.hang(30)] * 4)
    config = config_for(stub, tmp_path, timeout=60.0, max_retries=3, deadline=1.5)
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"1\.5 秒时限") as caught:
        draft(report(), profile=profile, config=config)
    assert time.monotonic() - started < 2.5
    assert "已发出 2 次请求" in caught.value.message
    assert caught.value.context["report_id"] == report().id


def test_the_deadline_comes_from_drafter_timeout(
    monkeypatch: pytest.MonkeyPatch, profile: Any
) -> None:
    monkeypatch.setenv("DRAFTER_TIMEOUT", "7.5")
    assert ModelConfig.resolve(model="m", profile=profile).deadline == 7.5
    assert ModelConfig.resolve(model="m", profile=profile, deadline=3).deadline == 3
    monkeypatch.delenv("DRAFTER_TIMEOUT")
    assert ModelConfig.resolve(model="m", profile=profile).deadline is None


# -- only answers that pass are cached -----------------------------------------------------


def test_a_valid_but_unusable_answer_is_not_served_again(
    stub: StubServer, tmp_path: Path, profile: Any
) -> None:
    unusable = {"headline": "   ", "paragraphs": ["正文"]}  # passes Prose, no headline
    stub.enqueue(Reply.json({}), Reply.json(unusable), Reply.json(unusable))
    config = config_for(stub, tmp_path, max_repairs=1)
    with pytest.raises(OutputValidationError):
        draft(report(), profile=profile, config=config)
    # The retry asked the model again instead of reading the bad answer back.
    assert [r.prompt_id for r in stub.requests] == ["extract_facts", "write_prose", "write_prose"]
    stub.reset()
    stub.enqueue(Reply.json(PROSE))
    clear_built_models()
    brief = draft(report(), profile=profile, config=config)
    # A later run: the facts come from the cache, the prose from the model.
    assert [r.prompt_id for r in stub.requests] == ["write_prose"]
    assert brief.headline == PROSE["headline"]


def test_an_encoded_answer_is_decoded_and_bounded_after_decoding() -> None:
    import gzip

    import httpx2

    from drafter.model.transport import FAULT_HEADER, bounded_http_client

    completion = json.dumps({"choices": [{"index": 0, "message": {"content": ANSWER}}]}).encode()
    bomb = b"{" + b" " * (MAX_RESPONSE_BYTES + 10) + b"}"
    answers = iter([completion, bomb])

    def gzipped(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, headers={"content-encoding": "gzip"}, content=gzip.compress(next(answers))
        )

    client = type(bounded_http_client(False))(transport=httpx2.MockTransport(gzipped))
    url = "http://127.0.0.1:9/v1/chat/completions"
    first = client.post(url, json={})
    assert first.status_code == 200 and first.json() == json.loads(completion)
    second = client.post(url, json={})  # small on the wire, past the bound decoded
    assert (second.status_code, second.headers[FAULT_HEADER]) == (422, "oversize")
