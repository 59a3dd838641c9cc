"""The drafting worker: claim a job, draft it with the configured model, store it, finish.

:class:`Worker` is one loop over one store connection: claim (:func:`claim_job`), read
the submission, draft it through the workflow's drafting function (the same pipeline
and few-shot examples as ``drafter submit``) while a heartbeat thread renews the lease,
then :func:`finish_job`. An input error fails the job at once; a model error (or a bug)
queues it again after a back-off until its attempts are used up.

:func:`run_workers` runs ``jobs`` such loops in threads until ``stop`` is set (the CLI
sets it on SIGTERM or Ctrl-C: each loop finishes the draft in hand, then exits).
:class:`InProcessWorkers` is the same inside ``drafter serve`` (SQLite's default), woken
by each submission so a draft does not wait for the next poll.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.errors import ConflictError, DrafterError, InputError
from drafter.profile import Profile, load_profile
from drafter.store._connection import acting_as
from drafter.store.database import Store
from drafter.store.diff import brief_text
from drafter.store.jobs import DEFAULT_LEASE, Claim, claim_job, fail_job, finish_job, renew_lease
from drafter.store.workflow import DraftFn, _default_draft_fn

if TYPE_CHECKING:
    from drafter.model.config import ModelConfig

__all__ = ["InProcessWorkers", "Worker", "WorkerSettings", "run_workers", "worker_name"]

log = logging.getLogger(__name__)


def worker_name(index: int = 0) -> str:
    """``host:pid:index``: who holds a job, as ``drafter jobs`` and the event log show it."""
    return f"{socket.gethostname()}:{os.getpid()}:{index}"


@dataclass(frozen=True)
class WorkerSettings:
    """How workers draft and hold jobs.

    ``config`` None drafts with the model each job names, else the profile's default
    (``offline`` in the built-in profile). ``draft_fn`` replaces drafting (tests,
    benchmarks); it gets ``(report, profile, job's model)``.
    """

    config: ModelConfig | None = None
    profile: Profile | None = None
    lease: float = DEFAULT_LEASE
    poll: float = 1.0
    retry_delay: float = 10.0
    draft_fn: Callable[[Store], DraftFn] | None = None


class _Heartbeat:
    """Renews a claim's lease every third of it, on its own connection, while drafting."""

    def __init__(self, db: str | Path, claim: Claim, lease: float) -> None:
        self.db, self.claim, self.lease = db, claim, lease
        self.lost = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="drafter-lease", daemon=True)

    def _run(self) -> None:
        store: Store | None = None
        try:
            while not self._done.wait(self.lease / 3):
                store = store or Store(self.db)
                try:
                    self.claim = renew_lease(store, self.claim, lease_seconds=self.lease)
                except ConflictError:
                    self.lost = True
                    return
                except DrafterError as exc:  # a busy database: try again next beat
                    log.warning("renewing job %s: %s", self.claim.job.id, exc.message)
        finally:
            if store is not None:
                store.close()

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


class Worker:
    """One drafting loop over the store at ``db`` (use :meth:`run`, or :meth:`run_once`)."""

    def __init__(
        self,
        db: str | Path,
        settings: WorkerSettings | None = None,
        *,
        name: str | None = None,
        stop: threading.Event | None = None,
        wake: threading.Event | None = None,
    ) -> None:
        self.db = db
        self.settings = settings or WorkerSettings()
        self.name = name or worker_name()
        self.stop = stop or threading.Event()
        self.wake = wake
        self.profile = self.settings.profile or load_profile()
        self.handled = 0

    def run(self, *, max_jobs: int | None = None, until_idle: bool = False) -> int:
        """Draft jobs until ``stop`` is set (or ``max_jobs`` done, or the queue is empty
        with ``until_idle``); the number handled. A store error (or any unexpected one,
        logged, after which it reconnects) waits a poll and tries again: a job in hand
        then goes back to the queue when its lease runs out."""
        with acting_as(f"worker:{self.name}"):
            store: Store | None = None
            try:
                while not self.stop.is_set():
                    if max_jobs is not None and self.handled >= max_jobs:
                        break
                    try:
                        store = store or Store(self.db)
                        worked = self.run_once(store)
                    except DrafterError as exc:
                        log.warning("worker %s: %s", self.name, exc.message)
                        worked = False
                    except Exception:
                        # A bug or a broken connection: log it, reconnect, keep serving.
                        log.exception("worker %s: unexpected error", self.name)
                        if store is not None:
                            with contextlib.suppress(Exception):
                                store.close()
                            store = None
                        worked = False
                    if not worked:
                        if until_idle:
                            break
                        self._idle()
            finally:
                if store is not None:
                    store.close()
        return self.handled

    def _idle(self) -> None:
        if self.wake is None:
            self.stop.wait(self.settings.poll)
            return
        self.wake.wait(self.settings.poll)
        self.wake.clear()

    def run_once(self, store: Store) -> bool:
        """Claim and draft one job; False when none was ready."""
        claim = claim_job(store, self.name, lease_seconds=self.settings.lease)
        if claim is None:
            return False
        self.handled += 1
        self._draft(store, claim)
        return True

    def _draft(self, store: Store, claim: Claim) -> None:
        s = self.settings
        record = store.get_draft(claim.job.draft_id)
        if record.status not in ("submitted", "failed") or record.published_issue_id:
            # An editor drafted, revised or decided it meanwhile: nothing left to do.
            finish_job(store, claim, None, note=f"稿件已是“{record.status_zh}”，无需起草")
            return
        report = store.get_report(record.report_id).report
        make = (s.draft_fn or (lambda st: _default_draft_fn(st, s.config)))(store)
        with _Heartbeat(self.db, claim, s.lease) as beat:
            try:
                brief = make(report, self.profile, claim.job.model)
            except InputError as exc:
                fail_job(store, claim, exc.message, permanent=True)
                return
            except DrafterError as exc:
                log.info("job %s attempt %s: %s", claim.job.id, claim.job.attempts, exc.message)
                fail_job(store, claim, exc.message, retry_delay=self._backoff(claim))
                return
            except Exception as exc:
                log.exception("job %s: drafting failed", claim.job.id)
                reason = f"内部错误：{type(exc).__name__}: {exc}"
                fail_job(store, claim, reason, retry_delay=self._backoff(claim))
                return
        if beat.lost:
            log.warning("job %s: lease lost while drafting; result dropped", claim.job.id)
            return
        claim = beat.claim  # as last renewed
        try:
            finish_job(
                store,
                claim,
                brief,
                brief_text(brief),
                expected_version=record.version,
                lease_seconds=s.lease,
            )
        except ConflictError as exc:
            # Lease lost, or the draft changed under us: the other result stands.
            log.warning("job %s: %s", claim.job.id, exc.message)

    def _backoff(self, claim: Claim) -> float:
        return float(self.settings.retry_delay * 2 ** max(0, claim.job.attempts - 1))


def run_workers(
    db: str | Path,
    settings: WorkerSettings | None = None,
    *,
    jobs: int = 1,
    stop: threading.Event | None = None,
    wake: threading.Event | None = None,
    until_idle: bool = False,
) -> int:
    """Run ``jobs`` workers in threads until ``stop`` is set (or, ``until_idle``, the
    queue is empty); the number of jobs they handled."""
    stop = stop or threading.Event()
    workers = [Worker(db, settings, name=worker_name(i), stop=stop, wake=wake) for i in range(jobs)]
    threads = [
        threading.Thread(
            target=w.run, kwargs={"until_idle": until_idle}, name=f"drafter-worker-{i}"
        )
        for i, w in enumerate(workers)
    ]
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.2)  # short joins: the main thread stays responsive to signals
    except BaseException:
        stop.set()
        raise
    return sum(w.handled for w in workers)


class InProcessWorkers:
    """Workers inside ``drafter serve``: :meth:`start` at start-up, :meth:`wake` on each
    submission, :meth:`stop` at shutdown (the draft in hand finishes first)."""

    def __init__(self, db: str | Path, settings: WorkerSettings | None = None, *, jobs: int = 1):
        self.db, self.settings, self.jobs = db, settings, jobs
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def default_jobs(db: str | Path) -> int:
        """One in-process worker on SQLite; none on PostgreSQL (run ``drafter worker``)."""
        from drafter.store._engine import is_url

        return 0 if is_url(db) else 1

    def start(self) -> None:
        self._thread = threading.Thread(
            target=run_workers,
            args=(self.db, self.settings),
            kwargs={"jobs": self.jobs, "stop": self._stop, "wake": self._wake},
            name="drafter-workers",
            daemon=True,
        )
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
