"""A loopback OpenAI-compatible server for tests and benchmarks (no LangChain needed).

:class:`StubServer` answers ``POST /v1/chat/completions`` on 127.0.0.1 at a random
port, in a background thread, so the real openai client and ``ChatOpenAI`` can be
tested end to end with no network::

    with StubServer() as stub:
        stub.enqueue(Reply.error(429), Reply.json({"headline": "…", "paragraphs": ["…"]}))
        config = ModelConfig(model="stub", base_url=stub.base_url, api_key=SecretStr("k"))
        prose, stats = write_prose(report, facts, config)
        assert len(stub.requests) == 2

Answers come from the queue first, then from ``responder`` (a callable given each
:class:`StubRequest`, e.g. routing by ``request.prompt_id``). A structured answer is
shaped to the request: a tool call when the request offers tools
(``function_calling``), message content otherwise (``json_schema``, ``json_mode``).
With nothing scripted the server answers HTTP 400 ``stub script exhausted``.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from drafter.model.tokens import count_messages, count_tokens
from drafter.testing._request import StubRequest, _text

__all__ = ["Reply", "Responder", "StubRequest", "StubServer", "common_prefix_tokens", "replies"]

ReplyKind = Literal["json", "raw", "text", "error", "hang", "body", "no_choices"]


@dataclass(frozen=True)
class Reply:
    """One scripted answer of the stub server; build it with the class methods."""

    kind: ReplyKind
    payload: Any = None
    status: int = 200
    retry_after: float | None = None
    seconds: float = 0.0
    usage: bool | None = None  # None: the server's default
    finish_reason: str | None = None  # None: "stop" (or "tool_calls")
    reasoning: str | None = None  # sent as ``reasoning_content`` (DeepSeek, Qwen)
    content_type: str = "application/json"

    @classmethod
    def json(cls, data: Any, *, usage: bool | None = None) -> Reply:
        """A valid structured answer: ``data`` serialized where the method expects it."""
        return cls("json", data, usage=usage)

    @classmethod
    def raw(
        cls,
        text: str,
        *,
        usage: bool | None = None,
        finish_reason: str | None = None,
        reasoning: str | None = None,
    ) -> Reply:
        """Arbitrary text (malformed JSON, fenced JSON, a ``<think>`` block…) where the
        structured answer goes; ``finish_reason="length"`` marks it cut off by the limit,
        ``reasoning`` adds a ``reasoning_content`` field."""
        return cls("raw", text, usage=usage, finish_reason=finish_reason, reasoning=reasoning)

    @classmethod
    def body(
        cls,
        data: str | bytes,
        *,
        status: int = 200,
        content_type: str = "text/html",
        retry_after: float | None = 0.01,
    ) -> Reply:
        """A raw HTTP body instead of a completion (a proxy's HTML page, say)."""
        return cls("body", data, status=status, content_type=content_type, retry_after=retry_after)

    @classmethod
    def no_choices(cls, *, retry_after: float | None = 0.01) -> Reply:
        """A completion with ``choices: []``."""
        return cls("no_choices", retry_after=retry_after)

    @classmethod
    def text(cls, content: str, *, usage: bool | None = None) -> Reply:
        """Plain message content, even when tools were offered (a model ignoring them)."""
        return cls("text", content, usage=usage)

    @classmethod
    def error(cls, status: int, message: str = "", *, retry_after: float | None = 0.01) -> Reply:
        """An HTTP error; ``retry_after`` (seconds) is sent as ``retry-after-ms``."""
        return cls(
            "error", message or f"stub error {status}", status=status, retry_after=retry_after
        )

    @classmethod
    def hang(cls, seconds: float = 30.0) -> Reply:
        """Accept the request and say nothing for ``seconds`` (or until the server stops)."""
        return cls("hang", seconds=seconds)


Responder = Callable[[StubRequest], "Reply | dict[str, Any] | str | None"]


class StubServer:
    """A scripted OpenAI-compatible HTTP server on 127.0.0.1 (see the module docstring).

    ``latency`` and ``jitter`` (seconds) delay every answer, uniformly within
    ``latency ± jitter`` from the request's arrival, for benchmarks: the stub's own work
    (routing, token counting, the prefix cache) happens inside that time, as a model
    server's does, so a benchmark charges drafter only for drafter. ``delays`` lists
    the latency drawn for each request. ``report_usage=False`` leaves ``usage`` out of
    answers, like some local servers.

    ``prefix_cache`` (tokens, 0 = off) simulates a provider's prefix cache: a request's
    longest common prefix with any earlier request, at least that long, is reported as
    cached, both as ``usage.prompt_tokens_details.cached_tokens`` (OpenAI, Qwen, vLLM)
    and as ``prompt_cache_hit_tokens`` / ``prompt_cache_miss_tokens`` (DeepSeek).
    """

    def __init__(
        self,
        *,
        responder: Responder | None = None,
        latency: float = 0.0,
        jitter: float = 0.0,
        seed: int | None = 0,
        report_usage: bool = True,
        prefix_cache: int = 0,
    ) -> None:
        self.responder = responder
        self.latency = latency
        self.jitter = jitter
        self.report_usage = report_usage
        self.prefix_cache = prefix_cache
        self._seen: list[list[tuple[str, str]]] = []
        self.delays: list[float] = []
        self._rng = random.Random(seed)
        self._queue: deque[Reply] = deque()
        self._requests: list[StubRequest] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._counter = 0
        self.exhausted = 0

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> StubServer:
        if self._server is not None:
            return self
        self._stop.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        # A short poll interval keeps stop() fast (shutdown waits for one poll).
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.02,), name="stub-llm", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # releases hanging handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("StubServer is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- scripting -----------------------------------------------------------------
    def enqueue(self, *replies: Reply | dict[str, Any]) -> None:
        """Queue answers, in order; a dict is shorthand for ``Reply.json(dict)``."""
        with self._lock:
            self._queue.extend(_as_reply(r) for r in replies)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def requests(self) -> list[StubRequest]:
        """Every chat-completion request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._requests.clear()
            self._seen.clear()
            self.delays.clear()
            self.exhausted = 0

    # -- answering -------------------------------------------------------------------
    def _next_reply(self, request: StubRequest) -> Reply | None:
        with self._lock:
            self._requests.append(request)
            self._counter += 1
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            answer = self.responder(request)
            if answer is not None:
                return _as_reply(answer)
        with self._lock:
            self.exhausted += 1
        return None

    def _cached_prefix(self, request: StubRequest) -> int:
        """Tokens served from the simulated prefix cache; the request joins the cache."""
        messages = [(str(m.get("role", "")), _text(m.get("content"))) for m in request.messages]
        with self._lock:
            seen = list(self._seen)
            self._seen.append(messages)
        # Find the earlier request sharing the most (whole messages, then characters),
        # then count its tokens once: counting against every earlier request made the
        # stub's reply slower as a benchmark went on.
        best = max((_common_prefix(messages, s) for s in seen), default=(0, 0))
        if best == (0, 0):
            return 0
        whole, chars = best
        tokens = count_messages(messages[:whole]) - count_messages([])
        if whole < len(messages) and chars:
            role, text = messages[whole]
            tokens += count_tokens(role) + count_tokens(text[:chars])
        return tokens if tokens >= self.prefix_cache else 0

    def _draw_delay(self) -> float:
        """This request's latency (0 without one); recorded in :attr:`delays`."""
        if self.latency <= 0 and self.jitter <= 0:
            return 0.0
        with self._lock:
            delay = max(0.0, self.latency + self._rng.uniform(-self.jitter, self.jitter))
            self.delays.append(delay)
        return delay

    def _wait_until(self, moment: float) -> None:
        left = moment - time.monotonic()
        if left > 0:
            self._stop.wait(left)

    def _completion(self, request: StubRequest, reply: Reply) -> dict[str, Any]:
        with self._lock:
            n = self._counter
        payload = ""
        tool_calls: list[dict[str, Any]] | None = None
        if reply.kind == "text":
            content: str | None = str(reply.payload)
        else:
            payload = (
                json.dumps(reply.payload, ensure_ascii=False)
                if reply.kind == "json"
                else str(reply.payload)
            )
            if request.tools:
                name = _tool_name(request)
                content = None
                tool_calls = [
                    {
                        "id": f"call_stub_{n}",
                        "type": "function",
                        "function": {"name": name, "arguments": payload},
                    }
                ]
            else:
                content = payload
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if tool_calls:
            message["tool_calls"] = tool_calls
        if reply.reasoning is not None:
            message["reasoning_content"] = reply.reasoning
        finish = reply.finish_reason or ("tool_calls" if tool_calls else "stop")
        body: dict[str, Any] = {
            "id": f"chatcmpl-stub-{n}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.model or "stub",
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}]
            if reply.kind != "no_choices"
            else [],
        }
        if reply.usage if reply.usage is not None else self.report_usage:
            prompt = count_messages(
                (str(m.get("role", "")), _text(m.get("content"))) for m in request.messages
            )
            completion = count_tokens(content or payload)
            body["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
            if self.prefix_cache > 0:
                cached = self._cached_prefix(request)
                body["usage"]["prompt_tokens_details"] = {"cached_tokens": cached}
                body["usage"]["prompt_cache_hit_tokens"] = cached
                body["usage"]["prompt_cache_miss_tokens"] = prompt - cached
        return body


def _common_prefix(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> tuple[int, int]:
    """``(equal leading messages, common leading characters of the next one)``."""
    whole = 0
    for (role_a, text_a), (role_b, text_b) in zip(a, b, strict=False):
        if role_a != role_b:
            return whole, 0
        if text_a != text_b:
            return whole, _common_chars(text_a, text_b)
        whole += 1
    return whole, 0


def common_prefix_tokens(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> int:
    """Tokens of the longest common prefix of two chat requests' ``(role, content)`` lists.

    Whole equal messages count with their framing; within the first differing message
    (same role), the common leading text counts.
    """
    total = 0
    for (role_a, text_a), (role_b, text_b) in zip(a, b, strict=False):
        if role_a != role_b:
            break
        if text_a == text_b:
            total += count_messages([(role_a, text_a)]) - count_messages([])
            continue
        total += count_tokens(role_a) + count_tokens(text_a[: _common_chars(text_a, text_b)])
        break
    return total


def _common_chars(a: str, b: str) -> int:
    """Length of the common leading text (binary search: slices compare in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _tool_name(request: StubRequest) -> str:
    choice = request.body.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice.get("function", {}).get("name", "")) or str(request.schema_name)
    return str(request.schema_name)


def _as_reply(answer: Reply | dict[str, Any] | str) -> Reply:
    if isinstance(answer, Reply):
        return answer
    if isinstance(answer, dict):
        return Reply.json(answer)
    return Reply.raw(answer)


def _make_handler(stub: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # http.server writes headers and body separately; with Nagle's algorithm on, the
        # body waits for the client's delayed ACK (~40 ms a call). Real model servers
        # send without that delay, and so does the stub.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            return

        def _send(
            self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self._send_bytes(status, data, "application/json", headers)

        def _send_bytes(
            self,
            status: int,
            data: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout): nothing to do
                pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": "stub", "object": "model"}]})
            else:
                self._send(404, {"error": {"message": "not found", "type": "not_found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": "not found", "type": "not_found"}})
                return
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._send(400, {"error": {"message": "invalid JSON body", "type": "invalid"}})
                return
            request = StubRequest(
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body if isinstance(body, dict) else {},
            )
            reply = stub._next_reply(request)
            answer_at = request.received_at + stub._draw_delay()
            if reply is None:
                stub._wait_until(answer_at)
                self._send(
                    400,
                    {
                        "error": {
                            "message": "stub script exhausted",
                            "type": "invalid_request_error",
                        }
                    },
                )
                return
            if reply.kind == "hang":
                stub._wait_until(answer_at)
                stub._stop.wait(reply.seconds)
                self.close_connection = True
                return
            headers = {}
            if reply.retry_after is not None:
                headers["retry-after-ms"] = str(max(1, int(reply.retry_after * 1000)))
            if reply.kind in ("error", "body"):
                stub._wait_until(answer_at)
            if reply.kind == "error":
                self._send(
                    reply.status,
                    {
                        "error": {
                            "message": reply.payload,
                            "type": "stub_error",
                            "code": reply.status,
                        }
                    },
                    headers,
                )
                return
            if reply.kind == "body":
                data = reply.payload.encode() if isinstance(reply.payload, str) else reply.payload
                self._send_bytes(reply.status, data, reply.content_type, headers)
                return
            completion = stub._completion(request, reply)  # within the latency, as a model's
            stub._wait_until(answer_at)
            self._send(200, completion, headers)

    return Handler


def replies(items: Iterable[Any]) -> list[Reply]:
    """Turn dicts and strings into replies (dict → ``Reply.json``, str → ``Reply.raw``)."""
    return [_as_reply(i) for i in items]
