"""Async drafting: :func:`adraft` and :func:`adraft_many` on one event loop.

The same pipeline as :func:`~drafter.drafting.pipeline.draft` (one generator of
backend calls, :func:`~drafter.drafting.pipeline._draft_steps`), driven with
``await``: the model is called through LangChain's ``ainvoke`` on a bounded async
client (:class:`~drafter.drafting.backend.AsyncChainBackend`); a backend without
``a``-prefixed steps (a :class:`~drafter.testing.ScriptedBackend`) runs in a thread.

:func:`adraft_many` starts every report at once and lets at most ``jobs`` model calls
be in flight (a :class:`CallGate`, the provider's concurrency). A free slot goes to
the brief furthest along (a repair before a first draft, a first draft before a
facts call), so a started brief finishes instead of waiting behind new ones: the
batch's wall time approaches calls ÷ jobs × latency.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from drafter.drafting.backend import AsyncChainBackend, ModelBackend
from drafter.drafting.pipeline import _Call, _draft_offline, _draft_steps, _resolve_config
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Report

if TYPE_CHECKING:
    from drafter.drafting.batch import BatchItem
    from drafter.model.config import ModelConfig

__all__ = ["CallGate", "adraft", "adraft_many"]


class CallGate:
    """At most ``slots`` calls at once; a free slot goes to the lowest ``priority``."""

    def __init__(self, slots: int) -> None:
        self.free = max(1, slots)
        self._waiting: list[tuple[tuple[int, ...], int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self, priority: tuple[int, ...]) -> None:
        if self.free > 0 and not self._waiting:
            self.free -= 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), fut))
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # the slot was handed over as we were cancelled
            raise

    def release(self) -> None:
        while self._waiting:
            _, _, fut = heapq.heappop(self._waiting)
            if not fut.done():
                fut.set_result(None)  # the slot passes straight to the waiter
                return
        self.free += 1


async def adraft(
    report: Report,
    *,
    profile: Profile | None = None,
    config: ModelConfig | None = None,
    model: str | None = None,
    examples: Iterable[Brief] | None = None,
    max_repairs: int | None = None,
    backend: ModelBackend | None = None,
    gate: CallGate | None = None,
    rank: int = 0,
) -> Brief:
    """:func:`~drafter.drafting.pipeline.draft` with ``await``; the same arguments.

    ``gate`` bounds the model calls in flight across briefs; ``rank`` orders briefs
    equally far along (lower first). Raises as ``draft`` does.
    """
    profile = profile or load_profile()
    if max_repairs is None and config is not None:
        max_repairs = config.max_repairs
    if backend is None:
        config = config or _resolve_config(model, profile)
        if config.is_offline:
            return _draft_offline(report, profile)
        backend = AsyncChainBackend(config)
    repairs = profile.model.max_repairs if max_repairs is None else max(0, max_repairs)
    steps = _draft_steps(report, profile, backend.model_name, examples or (), repairs)
    limit = config.deadline if config is not None else None
    if limit is None:
        return await _drive(steps, backend, gate, rank)
    from drafter.model.transport import deadline

    with deadline(limit):  # a context variable: this task's calls only
        return await _drive(steps, backend, gate, rank)


async def _drive(
    steps: Generator[_Call, Any, Brief], backend: Any, gate: CallGate | None, rank: int
) -> Brief:
    """Make each call the pipeline yields, through the gate; return its brief."""
    call = next(steps)
    for done in itertools.count():
        step, args = call
        method = getattr(backend, "a" + step, None)
        if gate is not None:
            await gate.acquire((-done, rank))
        try:
            if method is not None:
                result = await method(*args)
            else:
                result = await asyncio.to_thread(getattr(backend, step), *args)
        except Exception as exc:
            if gate is not None:
                gate.release()
            try:
                call = steps.throw(exc)
            except StopIteration as stop:
                return cast(Brief, stop.value)
            continue
        if gate is None:
            nxt = _send(steps, result)
        else:
            gate.release()
            # The gates (lint, guard: ~10–20 ms of CPU) run off the loop, so the brief
            # that got the slot sends its request meanwhile.
            nxt = await asyncio.to_thread(_send, steps, result)
        if isinstance(nxt, Brief):
            return nxt
        call = nxt
    raise AssertionError("unreachable")  # pragma: no cover


def _send(steps: Generator[_Call, Any, Brief], result: Any) -> _Call | Brief:
    """The pipeline's next call, or its brief (a future cannot carry StopIteration)."""
    try:
        return steps.send(result)
    except StopIteration as stop:
        return cast(Brief, stop.value)


async def adraft_many(
    reports: Sequence[Report],
    *,
    jobs: int = 4,
    profile: Profile | None = None,
    config: ModelConfig | None = None,
    model: str | None = None,
    max_repairs: int | None = None,
    backend: ModelBackend | None = None,
    examples: Sequence[Brief] | None = None,
    on_result: Callable[[BatchItem], None] | None = None,
) -> list[BatchItem]:
    """:func:`~drafter.drafting.batch.draft_many` on this event loop: at most ``jobs``
    model calls in flight; results in input order; one failure stays on its item."""
    from drafter.drafting.batch import BatchItem, _record_failure

    profile = profile or load_profile()
    if backend is None:
        config = config or _resolve_config(model, profile)
        if not config.is_offline:
            backend = AsyncChainBackend(config)
    gate = CallGate(jobs)
    items = [BatchItem(source=r.source_path or r.id, report=r) for r in reports]

    async def one(rank: int, item: BatchItem) -> None:
        assert item.report is not None
        try:
            item.brief = await adraft(
                item.report, profile=profile, config=config, max_repairs=max_repairs,
                backend=backend, examples=examples, gate=gate, rank=rank,
            )  # fmt: skip
        except Exception as exc:  # isolation: one bad report never stops the batch
            _record_failure(item, exc)
        if on_result is not None:
            on_result(item)

    await asyncio.gather(*(one(i, it) for i, it in enumerate(items) if it.report is not None))
    return items
