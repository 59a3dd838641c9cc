"""Which model call goes next: the call order and the gates of the drafting paths.

A batch's wall time is set by its model calls, at most J at once, each taking the
model's latency. A brief's calls are sequential (facts → first draft → repairs), and
whether a brief needs a repair is known only when its draft comes back. A free slot
therefore goes to the call with the longest expected chain behind it (highest level
first, as in Hu's list scheduling): a facts call (a draft and maybe a repair still to
come) before a first draft, a first draft (a repair may follow) before a repair
(usually a brief's last call). Every first draft is sent as early as possible, and the
repairs it reveals fill the batch's last slots instead of trailing it in a round of
their own. Equal calls go in input order. The cost: a brief that needs a repair
finishes late in its batch.

Steps a backend answers without the model (``answers_locally``: the facts of a short
report) take no slot. A backend whose requests go through drafter's HTTP transport
(``slots_at_transport``) takes its slot there, only while a request is on the wire
(:func:`drafter.model.transport.model_slot`): building a request and parsing an answer
(several ms of CPU each) happen outside it, so a freed slot goes to a ready request.

- :func:`call_priority` — the order above, shared by both paths;
- :class:`CallGate` — the async gate (one event loop, :func:`~drafter.drafting.aio.adraft_many`);
- :func:`run_threads` — the thread path's call scheduler (:func:`~drafter.drafting.batch.draft_many`).
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, cast

from drafter.schemas import Brief

__all__ = [
    "CallGate",
    "ThreadRun",
    "advance",
    "call_priority",
    "run_threads",
    "spare_threads",
    "wire_slot",
]

_Call = tuple[str, tuple[Any, ...]]
Steps = Generator[_Call, Any, Brief]

_LEVEL = {"facts": 0, "prose": 1, "repair": 2}
_UNSTARTED = 1  # a report not yet started has at least a first draft ahead


def call_priority(step: str, rank: int) -> tuple[int, int]:
    """Lower goes first: the step's level (facts, prose, repair), then input order."""
    return (_LEVEL.get(step, _UNSTARTED), rank)


def is_local(backend: Any, call: _Call) -> bool:
    """Whether ``backend`` answers this step without a model call (so without a slot)."""
    check = getattr(backend, "answers_locally", None)
    step, args = call
    return bool(check is not None and args and check(step, args[0]))


def advance(
    steps: Steps, backend: Any, value: Any = None, error: BaseException | None = None
) -> _Call | Brief:
    """Resume the pipeline with a call's result (or its exception), answering the local
    steps it asks for on the way; return its next model call, or its brief.

    The pipeline's own exceptions (a failed brief) propagate.
    """
    while True:
        try:
            call = steps.throw(error) if error is not None else steps.send(value)
        except StopIteration as stop:
            return cast(Brief, stop.value)
        if not is_local(backend, call):
            return call
        step, args = call
        try:
            value, error = getattr(backend, step)(*args), None
        except Exception as exc:
            value, error = None, exc


class CallGate:
    """At most ``slots`` calls at once (async); a free slot goes to the lowest priority.

    ``prepare`` (slots) adds a second, wider gate for backends that take their slot only
    while a request is on the wire (``slots_at_transport``): it bounds the calls being
    built or parsed meanwhile, in the same order.
    """

    def __init__(self, slots: int, *, prepare: int | None = None) -> None:
        self.free = max(1, slots)
        self.prepare = None if prepare is None else CallGate(max(prepare, slots))
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


class _GateSlot:
    """A :class:`~drafter.model.transport.Slot` from a :class:`CallGate` (async)."""

    def __init__(self, gate: CallGate, priority: tuple[int, ...]) -> None:
        self.gate, self.priority = gate, priority

    def acquire(self) -> None:
        raise RuntimeError("an async gate's slot is taken with aacquire")

    async def aacquire(self) -> None:
        await self.gate.acquire(self.priority)

    def release(self) -> None:
        self.gate.release()


def wire_slot(gate: CallGate, priority: tuple[int, ...]) -> Any:
    """The slot a transport-gated call takes on the wire (see :class:`CallGate`)."""
    return _GateSlot(gate, priority)


def spare_threads(jobs: int) -> int:
    """Workers beyond ``jobs``: they build requests, parse answers and run the gates."""
    return max(2, jobs // 4)


# -- threads --------------------------------------------------------------------------


@dataclass
class _Brief:
    index: int
    context: contextvars.Context  # the brief's deadline; its calls run on any worker
    steps: Steps | None = None
    call: _Call | None = None


@dataclass
class _Board:
    """What the workers share, under one condition."""

    slots: int
    claim: Callable[[], int | None]
    ready: list[tuple[tuple[int, int], int, _Brief]] = field(default_factory=list)
    exhausted: bool = False  # claim() has said there is nothing more to start
    started: int = 0
    ended: int = 0
    starting: int = 0  # claimed, not yet at their first model call
    firsts: int = 0  # ready calls at the level of a first draft or above
    stop: bool = False
    cond: threading.Condition = field(default_factory=threading.Condition)
    at_wire: bool = False  # slots are taken in the transport (see _BoardSlot)
    wire: list[tuple[tuple[int, int], int]] = field(default_factory=list)
    tickets: itertools.count[int] = field(default_factory=itertools.count)


class _BoardSlot:
    """A :class:`~drafter.model.transport.Slot` from the thread board: a free slot goes
    to the waiting request with the lowest :func:`call_priority`."""

    def __init__(self, board: _Board, priority: tuple[int, int]) -> None:
        self.board, self.priority = board, priority

    def acquire(self) -> None:
        board = self.board
        with board.cond:
            ticket = (self.priority, next(board.tickets))
            heapq.heappush(board.wire, ticket)
            while not (board.slots > 0 and board.wire[0] == ticket):
                board.cond.wait()
            heapq.heappop(board.wire)
            board.slots -= 1
            board.cond.notify_all()

    async def aacquire(self) -> None:
        raise RuntimeError("a thread slot is taken with acquire")

    def release(self) -> None:
        with self.board.cond:
            self.board.slots += 1
            self.board.cond.notify_all()


class ThreadRun:
    """A running :func:`run_threads`: wait for it, or stop it starting new calls."""

    def __init__(self, board: _Board, threads: list[threading.Thread]) -> None:
        self._board = board
        self._threads = threads

    def stop(self) -> None:
        """Start no new call (calls in flight end on their own)."""
        with self._board.cond:
            self._board.stop = True
            self._board.cond.notify_all()

    def wait(self) -> None:
        for t in self._threads:
            t.join()


def run_threads(
    claim: Callable[[], int | None],
    start: Callable[[int], tuple[Steps, contextvars.Context]],
    backend: Any,
    jobs: int,
    finished: Callable[[int, Brief | None, BaseException | None], None],
    *,
    spare: int | None = None,
) -> ThreadRun:
    """Drive briefs' pipelines on ``jobs + spare`` threads, ``jobs`` model calls at a
    time, the next call chosen by :func:`call_priority`.

    ``claim()`` gives the next report to start (its index), None when there is no
    more; ``start(i)`` builds its pipeline and the context its steps run in;
    ``finished(i, brief, error)`` is called from a worker as each ends. The spare
    threads run the gates (lint, guard: CPU) and start reports while ``jobs`` threads
    wait on the model. A backend whose requests take their slot in the transport
    (``slots_at_transport``) gets a slot only while a request is on the wire, so a
    freed slot goes straight to a request already built.
    """
    at_wire = bool(getattr(backend, "slots_at_transport", False))
    board = _Board(slots=max(1, jobs), claim=claim, at_wire=at_wire)

    def take() -> tuple[_Brief | None, int | None]:
        """The next model call (holding a slot) or report to start; (None, None): done."""
        with board.cond:
            while not board.stop:
                top = board.ready[0][0][0] if board.ready else None
                # A repair waits while any report may still bring a first draft.
                everyone = board.exhausted and board.starting == 0
                first = top is not None and (top <= _UNSTARTED or everyone)
                if (board.at_wire or board.slots > 0) and first:
                    board.slots -= not board.at_wire
                    if top is not None and top <= _UNSTARTED:
                        board.firsts -= 1
                    return heapq.heappop(board.ready)[2], None
                # Claim a report only when a slot (or, at the wire, this idle thread)
                # will want it: a worker process must not hoard reports.
                wanted = board.at_wire or board.slots + 1 > board.firsts + board.starting
                if not board.exhausted and wanted:
                    new = board.claim()
                    if new is not None:
                        board.started += 1
                        board.starting += 1
                        return None, new
                    board.exhausted = True
                    continue
                if board.exhausted and board.started == board.ended:
                    break
                board.cond.wait()
            return None, None

    def settle(brief: _Brief, outcome: _Call | Brief | BaseException, *, new: bool) -> None:
        if isinstance(outcome, tuple):
            brief.call = outcome
            priority = call_priority(outcome[0], brief.index)
            with board.cond:
                heapq.heappush(board.ready, (priority, brief.index, brief))
                board.firsts += priority[0] <= _UNSTARTED
                board.starting -= new
                board.cond.notify_all()
            return
        try:
            if isinstance(outcome, Brief):
                finished(brief.index, outcome, None)
            else:
                finished(brief.index, None, outcome)
        finally:
            with board.cond:
                board.ended += 1
                board.starting -= new
                board.cond.notify_all()

    def work() -> None:
        while True:
            brief, new = take()
            if brief is None and new is None:
                return
            if new is not None:
                try:
                    steps, context = start(new)
                except Exception as exc:  # one report's failure stays on it
                    settle(_Brief(new, contextvars.copy_context()), exc, new=True)
                    continue
                brief = _Brief(new, context, steps)
                settle(brief, _resume(brief, backend), new=True)
                continue
            assert brief is not None and brief.call is not None
            step, args = brief.call
            value: Any = None
            error: BaseException | None = None
            slot = _BoardSlot(board, call_priority(step, brief.index)) if at_wire else None
            try:
                value = brief.context.run(_call, slot, getattr(backend, step), args)
            except Exception as exc:
                error = exc
            finally:
                if not at_wire:
                    with board.cond:
                        board.slots += 1
                        board.cond.notify_all()
            settle(brief, _resume(brief, backend, value, error), new=False)

    extra = spare_threads(jobs) if spare is None else max(1, spare)
    threads = [
        threading.Thread(target=work, name=f"draft-{n}", daemon=True)
        for n in range(max(1, jobs) + extra)
    ]
    for t in threads:
        t.start()
    return ThreadRun(board, threads)


def _call(slot: _BoardSlot | None, method: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    if slot is None:
        return method(*args)
    from drafter.model.transport import model_slot

    with model_slot(slot):
        return method(*args)


def _resume(
    brief: _Brief, backend: Any, value: Any = None, error: BaseException | None = None
) -> _Call | Brief | BaseException:
    assert brief.steps is not None
    try:
        return brief.context.run(advance, brief.steps, backend, value, error)
    except Exception as exc:
        return exc
