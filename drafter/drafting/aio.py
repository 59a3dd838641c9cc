"""Async drafting: :func:`adraft` and :func:`adraft_many` on one event loop.

The same pipeline as :func:`~drafter.drafting.pipeline.draft` (one generator of
backend calls, :func:`~drafter.drafting.pipeline._draft_steps`), driven with
``await``: the model is called through LangChain's ``ainvoke`` on a bounded async
client (:class:`~drafter.drafting.backend.AsyncChainBackend`); a backend without
``a``-prefixed steps (a :class:`~drafter.testing.ScriptedBackend`) runs in a thread.

:func:`adraft_many` starts every report at once and lets at most ``jobs`` model calls
be in flight (a :class:`~drafter.drafting.schedule.CallGate`, the provider's
concurrency). A free slot goes to the call with the longest expected chain behind it
(:func:`~drafter.drafting.schedule.call_priority`: facts, then first drafts, then
repairs), so the repairs fill the batch's last slots: the batch's wall time
approaches calls ÷ jobs × latency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from drafter.drafting.backend import AsyncChainBackend, ModelBackend
from drafter.drafting.pipeline import _draft_offline, _draft_steps, _resolve_config
from drafter.drafting.schedule import (
    CallGate,
    Steps,
    advance,
    call_priority,
    spare_threads,
    wire_slot,
)
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Report

if TYPE_CHECKING:
    from drafter.drafting.batch import BatchItem
    from drafter.model.config import ModelConfig

__all__ = ["CallGate", "adraft", "adraft_many"]


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


async def _drive(steps: Steps, backend: Any, gate: CallGate | None, rank: int) -> Brief:
    """Make each model call the pipeline yields, through the gate; return its brief.

    Starting the pipeline and resuming it (the gates: lint, guard, ~10–20 ms of CPU)
    run off the loop, so meanwhile the brief that got the slot sends its request.
    """
    wired = bool(getattr(backend, "slots_at_transport", False))
    first = gate.prepare if gate is not None and wired and gate.prepare else gate
    if first is None:
        nxt = await asyncio.to_thread(advance, steps, backend)
    else:
        # Reports start (count tokens, find dates) a few at a time, in input order: all
        # at once, their CPU would hold back the first requests.
        await first.acquire(call_priority("prose", rank))
        try:
            nxt = await asyncio.to_thread(advance, steps, backend)
        finally:
            first.release()
    while not isinstance(nxt, Brief):
        step, args = nxt
        method = getattr(backend, "a" + step, None)
        priority = call_priority(step, rank)
        # Where the transport takes the slot (on the wire only), this call waits here
        # for the wider gate that bounds the calls being built and parsed.
        at_wire = gate is not None and gate.prepare is not None and method is not None
        at_wire = at_wire and wired
        outer = (gate.prepare if at_wire else gate) if gate is not None else None
        if outer is not None:
            await outer.acquire(priority)
        value: Any = None
        error: BaseException | None = None
        try:
            if method is not None and at_wire:
                from drafter.model.transport import model_slot

                assert gate is not None
                with model_slot(wire_slot(gate, priority)):
                    value = await method(*args)
            elif method is not None:
                value = await method(*args)
            else:
                value = await asyncio.to_thread(getattr(backend, step), *args)
        except Exception as exc:
            error = exc
        finally:
            if outer is not None:
                outer.release()
        nxt = await asyncio.to_thread(advance, steps, backend, value, error)
    return nxt


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
    gate = CallGate(jobs, prepare=jobs + spare_threads(jobs))
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
