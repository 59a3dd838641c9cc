"""The HTTP layer under the openai client: a size bound, answer sanity, one deadline per brief.

Every chat model drafter builds sends through :func:`bounded_http_client`, which

- reads at most :data:`MAX_RESPONSE_BYTES` of an answer (a 20 MB answer fails at the
  bound, in milliseconds, instead of being parsed into gigabytes);
- turns a 2xx answer that is not a chat completion (a proxy's HTML page, a body that
  is not JSON, ``choices: []``) into a 502, which the openai client retries like any
  bad gateway;
- caps each request's timeouts at what is left of the :func:`deadline` in force, and
  once it has passed answers without the network.

The faults are marked by the :data:`FAULT_HEADER` of a synthetic response, which
:func:`drafter.model.providers.model_error` turns into a Chinese message. Oversize
and deadline answers use status 422, which the openai client does not retry: retrying
would only repeat them.

httpx2 (the openai client's HTTP library) is imported inside functions only.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import httpx2

__all__ = [
    "FAULT_HEADER",
    "MAX_RESPONSE_BYTES",
    "Deadline",
    "Slot",
    "bounded_async_http_client",
    "bounded_http_client",
    "current_deadline",
    "deadline",
    "deadline_context",
    "model_slot",
]

# Far above any real answer (max_tokens 8192 of escaped Chinese is about 150 KB).
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
FAULT_HEADER = "x-drafter-fault"


@dataclass
class Deadline:
    """One overall time limit (a brief's), and the requests sent under it.

    The clock starts with the first request: loading the model client on first use
    (about a second) is not the endpoint's time.
    """

    seconds: float
    started: float | None = None
    requests: int = 0

    def start(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    @property
    def spent(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started

    @property
    def remaining(self) -> float:
        return self.seconds - self.spent


_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "drafter_deadline", default=None
)


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[Deadline | None]:
    """Put the model calls made inside under one limit of ``seconds`` (None: no limit)."""
    if seconds is None:
        yield None
        return
    limit = Deadline(seconds)
    token = _DEADLINE.set(limit)
    try:
        yield limit
    finally:
        _DEADLINE.reset(token)


class Slot(Protocol):
    """A scheduler's grant to put one request on the wire (the provider's concurrency)."""

    def acquire(self) -> None: ...

    async def aacquire(self) -> None: ...

    def release(self) -> None: ...


_SLOT: contextvars.ContextVar[Slot | None] = contextvars.ContextVar("drafter_slot", default=None)


@contextlib.contextmanager
def model_slot(slot: Slot | None) -> Iterator[None]:
    """Make each request sent inside wait for ``slot``, held only while the request is
    on the wire: building it and parsing its answer (CPU) happen outside, so a freed
    slot goes straight to a request that is ready. Response-cache hits never wait."""
    token = _SLOT.set(slot)
    try:
        yield
    finally:
        _SLOT.reset(token)


def deadline_context(seconds: float | None) -> contextvars.Context:
    """A copy of the current context with its own limit of ``seconds`` in force: for one
    brief whose calls run on whichever thread is free (``context.run(call)``)."""
    context = contextvars.copy_context()
    context.run(_DEADLINE.set, None if seconds is None else Deadline(seconds))
    return context


def current_deadline() -> Deadline | None:
    """The deadline in force in this context, if any."""
    return _DEADLINE.get()


def _fault(
    request: httpx2.Request,
    status: int,
    kind: str,
    detail: str = "",
    answered: httpx2.Response | None = None,
) -> httpx2.Response:
    import httpx2

    body = {"error": {"message": f"drafter: {kind} {detail}".strip(), "type": kind}}
    headers = {FAULT_HEADER: kind, "content-type": "application/json"}
    for name in ("retry-after", "retry-after-ms"):  # the server's wish stands for the retry
        if answered is not None and name in answered.headers:
            headers[name] = answered.headers[name]
    return httpx2.Response(
        status,
        headers=headers,
        content=json.dumps(body).encode(),
        request=request,
    )


def _capped_timeouts(request: Any, remaining: float) -> None:
    timeouts = dict(request.extensions.get("timeout") or {})
    for name in ("connect", "read", "write", "pool"):
        current = timeouts.get(name)
        timeouts[name] = remaining if current is None else min(current, remaining)
    request.extensions["timeout"] = timeouts


def _check_completion(data: bytes) -> str | None:
    """Why a 2xx body is not a chat completion (``None`` if it is one)."""
    head = data.lstrip()[:1]
    if head == b"<":
        return "html"
    if head != b"{":
        return "not_json"
    try:
        body = json.loads(data)
    except ValueError:
        return "not_json"
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or not choices:
        return "no_choices"
    return None


@functools.cache
def _client_class() -> type[Any]:
    import httpx2
    import openai

    class BoundedClient(openai.DefaultHttpxClient):  # type: ignore[misc,valid-type]
        """See the module docstring. Bounds are applied in ``send``, above any proxy."""

        def send(
            self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any
        ) -> httpx2.Response:
            limit = current_deadline()
            if limit is not None and limit.remaining <= 0:
                return _fault(request, 422, "deadline")
            slot = _SLOT.get()
            if slot is not None:
                slot.acquire()
            try:
                if limit is not None:
                    if limit.remaining <= 0:  # spent waiting for the slot
                        return _fault(request, 422, "deadline")
                    limit.start()
                    limit.requests += 1
                    _capped_timeouts(request, limit.remaining)
                try:
                    response = super().send(request, stream=True, **kwargs)
                    try:
                        data = _read_bounded(response)
                    finally:
                        response.close()
                except httpx2.TimeoutException:
                    if limit is not None and limit.remaining <= 0.05:
                        # Out of time: a retry could not finish either, so none is made.
                        return _fault(request, 422, "deadline")
                    raise
            finally:
                if slot is not None:
                    slot.release()
            return _settle(request, response, data)

    return BoundedClient


@functools.cache
def _async_client_class() -> type[Any]:
    import httpx2
    import openai

    class BoundedAsyncClient(openai.DefaultAsyncHttpxClient):  # type: ignore[misc,valid-type]
        """The async twin of the bounded client: the same bounds, checks and deadline."""

        async def send(
            self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any
        ) -> httpx2.Response:
            limit = current_deadline()
            if limit is not None and limit.remaining <= 0:
                return _fault(request, 422, "deadline")
            slot = _SLOT.get()
            if slot is not None:
                await slot.aacquire()
            try:
                if limit is not None:
                    if limit.remaining <= 0:
                        return _fault(request, 422, "deadline")
                    limit.start()
                    limit.requests += 1
                    _capped_timeouts(request, limit.remaining)
                try:
                    response = await super().send(request, stream=True, **kwargs)
                    try:
                        data = await _aread_bounded(response)
                    finally:
                        await response.aclose()
                except httpx2.TimeoutException:
                    if limit is not None and limit.remaining <= 0.05:
                        return _fault(request, 422, "deadline")
                    raise
            finally:
                if slot is not None:
                    slot.release()
            return _settle(request, response, data)

    return BoundedAsyncClient


def _settle(request: Any, response: Any, data: bytes | None) -> httpx2.Response:
    """The answer as the openai client gets it: a fault, or the decoded body."""
    import httpx2

    if data is None:
        return _fault(request, 422, "oversize", str(MAX_RESPONSE_BYTES))
    if 200 <= response.status_code < 300 and request.url.path.endswith("/chat/completions"):
        problem = _check_completion(data)
        if problem is not None:
            return _fault(request, 502, problem, answered=response)
    # ``data`` is decoded: the encoding and length headers no longer describe it.
    headers = [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx2.Response(
        response.status_code,
        headers=headers,
        content=data,
        request=request,
        extensions=response.extensions,
    )


async def _aread_bounded(response: Any) -> bytes | None:
    """:func:`_read_bounded` for an async response."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _read_bounded(response: Any) -> bytes | None:
    """The decoded body, or ``None`` past :data:`MAX_RESPONSE_BYTES` (read no further)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@functools.cache
def bounded_http_client(verify: bool) -> Any:
    """One pooled client per TLS setting, bounding every answer (see the module docstring).

    Timeouts are set per request by the openai client; ``verify=False`` is for plain
    HTTP (a local server, the test stub), where building a TLS context is wasted time.
    """
    return _client_class()(verify=verify)


def bounded_async_http_client(verify: bool) -> Any:
    """A new async client with the same bounds (one per event loop: its pool is the loop's)."""
    return _async_client_class()(verify=verify)
