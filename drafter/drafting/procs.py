"""Drafting across processes, for when one interpreter's CPU is the limit.

Each brief costs CPU between its model calls (gates: autofix, lint, the guard; the
client's JSON and validation). In one interpreter that CPU is serialized by the GIL,
so with a fast model and many slots the interpreter, not the model, sets the pace.
:func:`draft_in_processes` runs :func:`~drafter.drafting.schedule.run_threads` in
``processes`` worker processes, the ``jobs`` model slots split between them; each
worker claims the next report from one shared queue when it has a slot for a first
draft, so the work balances itself. Results come back as JSON, in the parent, where
``on_result`` runs.

Workers are forked from a *forkserver* that has imported drafter and the model
client once (no inherited threads or sockets); where there is none (Windows) they are
spawned. They are kept for the next batch (:func:`shutdown_pools`, or at exit), so
imports, token tables, clients and connections are paid once, as in one interpreter.
Each batch carries the parent's environment. A worker that dies, or a batch that is
interrupted, leaves the unfinished reports failed (not the batch hanging) and the pool
is replaced.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from drafter.profile import Profile
from drafter.schemas import Brief, Report

if TYPE_CHECKING:
    from drafter.drafting.batch import BatchItem
    from drafter.model.config import ModelConfig

__all__ = ["draft_in_processes", "shutdown_pools", "split_slots"]

log = logging.getLogger(__name__)

_PRELOAD = [
    "drafter.drafting.procs",
    "drafter.drafting.pipeline",
    "drafter.drafting.schedule",
    "drafter.guard",
    "drafter.model.chains",
    "drafter.model.providers",
    "langchain_core.prompts",
    "langchain_openai",
    "tiktoken",
]
_POLL = 0.5  # seconds between checks that the workers are alive


def split_slots(jobs: int, processes: int) -> list[int]:
    """``jobs`` model slots over at most ``processes`` workers, each with at least one."""
    n = max(1, min(processes, jobs))
    return [jobs // n + (1 if k < jobs % n else 0) for k in range(n)]


class _Pool:
    """Worker processes kept for the next batch: their imports, token tables, clients
    and connections stay warm, as one interpreter's do between batches."""

    def __init__(self, size: int) -> None:
        ctx: Any
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
        else:
            ctx = multiprocessing.get_context("spawn")
        self.tasks = ctx.Queue()
        self.results = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(size)]
        self.workers = [
            ctx.Process(
                target=_worker,
                args=(box, self.tasks, self.results),
                name=f"draft-worker-{k}",
                daemon=True,
            )
            for k, box in enumerate(self.inboxes)
        ]
        for w in self.workers:
            w.start()

    def alive(self) -> bool:
        return all(w.is_alive() for w in self.workers)

    def close(self) -> None:
        for box in self.inboxes:
            box.put(None)
        for w in self.workers:
            w.join(timeout=5)
            if w.is_alive():
                w.terminate()

    def kill(self) -> None:
        for w in self.workers:
            if w.is_alive():
                w.terminate()
        for w in self.workers:
            w.join(timeout=5)


_POOLS: dict[int, _Pool] = {}
_POOLS_LOCK = threading.Lock()


def _pool(size: int) -> _Pool:
    with _POOLS_LOCK:
        pool = _POOLS.get(size)
        if pool is None or not pool.alive():
            if pool is not None:
                pool.kill()
            if not _POOLS:
                atexit.register(shutdown_pools)
            pool = _POOLS[size] = _Pool(size)
        return pool


def shutdown_pools() -> None:
    """Stop the kept worker processes (also done at exit)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()


def draft_in_processes(
    items: list[BatchItem],
    *,
    processes: int,
    jobs: int,
    profile: Profile,
    config: ModelConfig,
    max_repairs: int | None,
    examples: Sequence[Brief] | None,
    on_result: Callable[[BatchItem], None] | None,
) -> list[BatchItem]:
    """Draft ``items`` (each with its report) in worker processes; see the module doc."""
    from drafter.drafting.batch import _record_failure
    from drafter.errors import ModelError

    slots = split_slots(jobs, processes)
    pool = _pool(len(slots))
    batch = next(_BATCHES)
    reports = [it.report for it in items]
    # Each worker runs as the parent would now: the same settings and directories.
    env = dict(os.environ)
    for box, n in zip(pool.inboxes, slots, strict=True):
        box.put((batch, n, reports, profile, config, max_repairs, list(examples or ()), env))
    for i in range(len(items)):
        pool.tasks.put((batch, i))
    for _ in slots:
        pool.tasks.put((batch, None))  # one "no more" per worker
    left = set(range(len(items)))
    try:
        while left:
            try:
                tag, i, brief_json, error = pool.results.get(timeout=_POLL)
            except queue.Empty:
                if pool.alive():
                    continue
                for i in sorted(left):  # a worker died: what it held is failed, not lost
                    _record_failure(items[i], ModelError("起草进程意外退出，本篇未完成"))
                    if on_result is not None:
                        on_result(items[i])
                break
            if tag != batch:
                continue  # left over from an interrupted batch
            left.discard(i)
            item = items[i]
            if brief_json is not None:
                item.brief = Brief.model_validate_json(brief_json)
            else:
                item.error_type, item.error = error
            if on_result is not None:
                on_result(item)
    finally:
        if left:  # interrupted, or a worker died: these workers are in an unknown state
            with _POOLS_LOCK:
                if _POOLS.get(len(slots)) is pool:
                    del _POOLS[len(slots)]
            pool.kill()
    return items


_BATCHES = itertools.count(1)


def _worker(inbox: Any, tasks: Any, results: Any) -> None:
    """One worker process: for each batch in ``inbox``, claim its reports from ``tasks``
    until told there are no more."""
    from drafter.drafting.backend import ChainBackend
    from drafter.drafting.batch import BatchItem, _record_failure
    from drafter.drafting.pipeline import _draft_steps
    from drafter.drafting.schedule import run_threads
    from drafter.model.transport import deadline_context

    while (message := inbox.get()) is not None:
        batch, jobs, reports, profile, config, max_repairs, examples, env = message
        os.environ.clear()
        os.environ.update(env)
        backend = ChainBackend(config)
        if max_repairs is None:
            max_repairs = config.max_repairs
        repairs = profile.model.max_repairs if max_repairs is None else max(0, max_repairs)

        def claim(batch: int = batch) -> int | None:
            while True:
                tag, i = tasks.get()
                if tag == batch:
                    return i if i is None else int(i)

        def start(
            i: int, reports: list[Report] = reports, profile: Profile = profile,
            backend: ChainBackend = backend, examples: list[Brief] = examples,
            repairs: int = repairs, limit: float | None = config.deadline,
        ) -> tuple[Any, Any]:  # fmt: skip
            steps = _draft_steps(reports[i], profile, backend.model_name, examples, repairs)
            return steps, deadline_context(limit)

        def finished(
            i: int, brief: Brief | None, error: BaseException | None,
            batch: int = batch, reports: list[Report] = reports,
        ) -> None:  # fmt: skip
            if brief is not None:
                results.put((batch, i, brief.model_dump_json(), None))
                return
            item = BatchItem(source=reports[i].source_path or reports[i].id)
            _record_failure(item, error or RuntimeError("no brief"))
            results.put((batch, i, None, (item.error_type, item.error)))

        run_threads(claim, start, backend, jobs, finished).wait()
