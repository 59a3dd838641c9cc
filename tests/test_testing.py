"""The public test helpers: the stub server, the scripted chat model, the scripted backend."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel

from drafter.drafting import ProseStep, draft
from drafter.errors import ModelError, OutputValidationError
from drafter.profile import Profile
from drafter.schemas import Facts, Report, TokenUsage, report_id_for
from drafter.testing import (
    BackendCall,
    Reply,
    ScriptedBackend,
    ScriptedChatModel,
    ScriptExhaustedError,
    Step,
    StubRequest,
    StubServer,
    UnexpectedCallError,
)

TOOLS = [{"type": "function", "function": {"name": "Prose", "parameters": {"type": "object"}}}]
ANSWER = {"headline": "北京气象学会召开理事会", "paragraphs": ["5月8日，北京气象学会召开理事会。"]}


def _post(
    url: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(
        url + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _chat(**extra: Any) -> dict[str, Any]:
    return {"model": "m", "messages": [{"role": "user", "content": "你好"}], **extra}


def test_binds_loopback_on_a_random_port() -> None:
    with StubServer() as a, StubServer() as b:
        assert a.base_url.startswith("http://127.0.0.1:")
        assert a.port != b.port


def test_json_answer_is_shaped_by_the_requested_method() -> None:
    with StubServer() as stub:
        stub.enqueue(Reply.json(ANSWER), ANSWER, Reply.json(ANSWER))
        _, tool = _post(
            stub.base_url,
            _chat(tools=TOOLS, tool_choice={"type": "function", "function": {"name": "Prose"}}),
        )
        _, schema = _post(
            stub.base_url,
            _chat(
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "Prose", "schema": {}},
                }
            ),
        )
        _, mode = _post(stub.base_url, _chat(response_format={"type": "json_object"}))
    call = tool["choices"][0]["message"]["tool_calls"][0]["function"]
    assert call["name"] == "Prose" and json.loads(call["arguments"]) == ANSWER
    assert tool["choices"][0]["finish_reason"] == "tool_calls"
    assert json.loads(schema["choices"][0]["message"]["content"]) == ANSWER
    assert json.loads(mode["choices"][0]["message"]["content"]) == ANSWER
    assert [r.structured_method for r in stub.requests] == [
        "function_calling",
        "json_schema",
        "json_mode",
    ]
    assert stub.requests[1].schema_name == "Prose"


def test_usage_is_reported_or_left_out() -> None:
    with StubServer() as stub:
        stub.enqueue(Reply.json(ANSWER), Reply.json(ANSWER, usage=False))
        _, with_usage = _post(stub.base_url, _chat())
        _, without = _post(stub.base_url, _chat())
    assert with_usage["usage"]["prompt_tokens"] > 0
    assert with_usage["usage"]["completion_tokens"] > 0
    assert "usage" not in without


def test_raw_and_text_replies() -> None:
    with StubServer() as stub:
        stub.enqueue(Reply.raw('{"headline": '), Reply.text("好的，这是简讯"))
        _, raw = _post(stub.base_url, _chat(tools=TOOLS))
        _, text = _post(stub.base_url, _chat(tools=TOOLS))
    assert raw["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] == '{"headline": '
    assert text["choices"][0]["message"]["content"] == "好的，这是简讯"
    assert "tool_calls" not in text["choices"][0]["message"]


def test_fault_replies_shape_the_completion() -> None:
    with StubServer() as stub:
        stub.enqueue(
            Reply.raw('{"headline": "北京', finish_reason="length"),
            Reply.raw(json.dumps(ANSWER), reasoning="先想一想"),
            Reply.no_choices(),
        )
        _, cut = _post(stub.base_url, _chat())
        _, reasoning = _post(stub.base_url, _chat())
        _, empty = _post(stub.base_url, _chat())
    assert cut["choices"][0]["finish_reason"] == "length"
    assert cut["choices"][0]["message"]["content"] == '{"headline": "北京'
    assert reasoning["choices"][0]["message"]["reasoning_content"] == "先想一想"
    assert reasoning["choices"][0]["finish_reason"] == "stop"
    assert empty["choices"] == []


def test_a_body_reply_is_sent_as_is() -> None:
    page = "<html><body>502 Bad Gateway</body></html>"
    with StubServer() as stub:
        stub.enqueue(Reply.body(page), Reply.body(b"\x00\x01", status=503, content_type="x/y"))
        req = urllib.request.Request(
            stub.base_url + "/chat/completions", data=json.dumps(_chat()).encode()
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert (resp.status, resp.headers["content-type"]) == (200, "text/html")
            assert resp.read().decode() == page
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req, timeout=5)
    assert (info.value.code, info.value.headers["content-type"]) == (503, "x/y")
    assert info.value.read() == b"\x00\x01"


def test_errors_carry_status_and_retry_after() -> None:
    with StubServer() as stub:
        stub.enqueue(Reply.error(429, retry_after=0.25))
        req = urllib.request.Request(
            stub.base_url + "/chat/completions", data=json.dumps(_chat()).encode()
        )
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req, timeout=5)
    assert info.value.code == 429
    assert info.value.headers["retry-after-ms"] == "250"


def test_exhausted_script_answers_400_and_is_counted() -> None:
    with StubServer() as stub:
        status, body = _post(stub.base_url, _chat())
    assert status == 400
    assert "exhausted" in body["error"]["message"]
    assert stub.exhausted == 1


def test_responder_routes_by_prompt_and_queue_goes_first() -> None:
    def route(request: StubRequest) -> dict[str, Any] | None:
        return {"line": request.prompt_id or "?"} if request.prompt_id else None

    with StubServer(responder=route) as stub:
        stub.enqueue({"line": "queued"})
        _, first = _post(stub.base_url, _chat(), {"X-Drafter-Prompt": "shorten_headline@1"})
        _, second = _post(stub.base_url, _chat(), {"X-Drafter-Prompt": "shorten_headline@1"})
        status, _ = _post(stub.base_url, _chat())
    assert json.loads(first["choices"][0]["message"]["content"]) == {"line": "queued"}
    assert json.loads(second["choices"][0]["message"]["content"]) == {"line": "shorten_headline"}
    assert status == 400


def test_records_headers_and_bodies() -> None:
    with StubServer() as stub:
        stub.enqueue(ANSWER)
        _post(stub.base_url, _chat(), {"Authorization": "Bearer sk-test-000000000"})
        (request,) = stub.requests
    assert request.headers["authorization"] == "Bearer sk-test-000000000"
    assert request.content_of("user") == "你好"
    assert request.model == "m"


def test_unknown_paths_are_404() -> None:
    with StubServer() as stub:
        req = urllib.request.Request(stub.base_url + "/embeddings", data=b"{}")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req, timeout=5)
    assert info.value.code == 404


def test_stop_releases_a_hanging_request() -> None:
    import threading

    stub = StubServer().start()
    stub.enqueue(Reply.hang(60))
    outcome: list[str] = []

    def call() -> None:
        try:
            _post(stub.base_url, _chat())
            outcome.append("answered")
        except Exception as exc:  # the server closed the connection
            outcome.append(type(exc).__name__)

    t = threading.Thread(target=call)
    t.start()
    while not stub.requests:
        threading.Event().wait(0.01)
    stub.stop()
    t.join(timeout=10)
    assert not t.is_alive()
    assert outcome and outcome[0] != "answered"


# -- ScriptedChatModel -------------------------------------------------------------


class Line(BaseModel):
    line: str


def test_scripted_model_answers_in_order_then_raises() -> None:
    model = ScriptedChatModel(script=["一", {"a": 1}])
    assert model.invoke("x").content == "一"
    assert json.loads(str(model.invoke("y").content)) == {"a": 1}
    with pytest.raises(ScriptExhaustedError):
        model.invoke("z")
    assert [m[0].content for m in model.calls] == ["x", "y", "z"]
    assert isinstance(model.calls[0][0], HumanMessage)


def test_scripted_model_raises_scripted_exceptions() -> None:
    model = ScriptedChatModel(script=[TimeoutError("slow")])
    with pytest.raises(TimeoutError):
        model.invoke("x")


def test_scripted_structured_output_from_content_and_tool_calls() -> None:
    tool = AIMessage(content="", tool_calls=[{"name": "Line", "args": {"line": "乙"}, "id": "c1"}])
    model = ScriptedChatModel(script=['```json\n{"line": "甲"}\n```', tool, "不是 JSON"])
    structured = model.with_structured_output(Line, include_raw=True)
    assert structured.invoke("x")["parsed"] == Line(line="甲")
    assert structured.invoke("x")["parsed"] == Line(line="乙")
    bad = structured.invoke("x")
    assert bad["parsed"] is None and bad["parsing_error"] is not None
    assert bad["raw"].content == "不是 JSON"
    with pytest.raises(ScriptExhaustedError):
        structured.invoke("x")


def test_scripted_model_accepts_tools() -> None:
    tool = AIMessage(content="", tool_calls=[{"name": "Line", "args": {"line": "丙"}, "id": "c1"}])
    model = ScriptedChatModel(script=[tool])
    answer = model.bind_tools([Line]).invoke("x")
    assert isinstance(answer, AIMessage) and answer.tool_calls[0]["args"] == {"line": "丙"}


# -- ScriptedBackend ---------------------------------------------------------------

REPORT_TEXT = "5月8日，北京气象学会召开理事会，理事23人出席。"
PROSE = ProseStep(
    headline="北京气象学会召开理事会", paragraphs=["5月8日，北京气象学会召开理事会。"]
)


def _report(text: str = REPORT_TEXT) -> Report:
    return Report(id=report_id_for(text), text=text, org_short="北京气象学会", kind="society")


def test_scripted_backend_answers_in_order_and_records_calls(profile: Profile) -> None:
    facts = Facts(place="北京")
    backend = ScriptedBackend(
        [Step.facts(facts, usage=TokenUsage(prompt_tokens=7), calls=2), Step.prose(PROSE)]
    )
    assert backend.facts(_report(), profile) == (facts, TokenUsage(prompt_tokens=7), 2)
    assert backend.prose(_report(), facts, profile, []) is PROSE
    assert [c.kind for c in backend.calls] == ["facts", "prose"]
    assert backend.calls_of("prose")[0].facts is facts
    assert backend.remaining == 0
    backend.assert_done()


def test_scripted_backend_fails_loudly_when_exhausted(profile: Profile) -> None:
    backend = ScriptedBackend([Step.facts()])
    backend.facts(_report(), profile)
    with pytest.raises(ScriptExhaustedError, match=r"call 2 asked for prose.*exhausted"):
        backend.prose(_report(), Facts(), profile, [])
    with pytest.raises(AssertionError, match="call 2 asked for prose"):
        backend.assert_done()


def test_scripted_backend_fails_loudly_on_an_unexpected_call(profile: Profile) -> None:
    backend = ScriptedBackend([Step.facts(), Step.repair(PROSE)])
    backend.facts(_report(), profile)
    with pytest.raises(UnexpectedCallError, match=r"asked for prose, but the next .* is repair"):
        backend.prose(_report(), Facts(), profile, [])
    assert backend.remaining == 1  # the step is still there for the right call
    with pytest.raises(AssertionError, match="never used: repair"):
        backend.assert_done()


def test_scripted_backend_raises_scripted_exceptions(profile: Profile) -> None:
    backend = ScriptedBackend([Step.facts(ModelError("接口超时", hint="稍后重试"))])
    with pytest.raises(ModelError):
        backend.facts(_report(), profile)


def test_a_step_answers_with_its_own_kind() -> None:
    with pytest.raises(TypeError, match="facts step answers with Facts"):
        Step("facts", PROSE)


def test_responder_answers_once_the_script_is_used_up(profile: Profile) -> None:
    def respond(call: BackendCall) -> Step | None:
        return Step.prose(PROSE) if call.kind == "prose" else None

    backend = ScriptedBackend([Step.facts()], responder=respond)
    backend.facts(_report(), profile)
    assert backend.prose(_report(), Facts(), profile, []) is PROSE
    with pytest.raises(ScriptExhaustedError, match="responder had no answer"):
        backend.repair(_report(), Facts(), PROSE, [], profile)


def test_scripted_backend_drives_the_pipeline(profile: Profile) -> None:
    bad = OutputValidationError("JSON 无法解析", raw_output="{", attempts=1)
    backend = ScriptedBackend(
        [Step.facts(), Step.prose(bad), Step.prose(PROSE)], model_name="scripted-model"
    )
    brief = draft(_report(), profile=profile, backend=backend)
    assert brief.provenance.model == "scripted-model"
    assert brief.provenance.attempts == 2
    assert [c.kind for c in backend.calls] == ["facts", "prose", "prose"]
    backend.assert_done()


def test_scripted_backend_is_thread_safe(profile: Profile) -> None:
    backend = ScriptedBackend(responder=lambda call: Step.facts())
    threads = [threading.Thread(target=backend.facts, args=(_report(), profile)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(backend.calls_of("facts")) == 8


def test_the_scripted_backend_and_stub_server_load_no_langchain() -> None:
    code = (
        "import sys\n"
        "from drafter.testing import ScriptedBackend, Step, StubServer\n"
        "print(sorted(m for m in sys.modules if m.startswith(('langchain', 'openai'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
