"""Drafting jobs: a stored submission waits here until a worker drafts it.

A job's life::

    queued ──claim──► running ──finish──► done
      ▲  ▲              │
      │  └─ model error (attempts left), or its lease ran out (worker killed)
      │                 │
      └──── retry ──── failed ◄── input error, or the attempts are used up

**Claiming** takes the oldest ready job — queued (and past its back-off), or running
with an expired lease — and gives it a holder, a lease expiry and a new *lease token*
(``lease``, one more on every claim, never reset) in one transaction: on PostgreSQL
the row is chosen with ``SELECT … FOR UPDATE SKIP LOCKED``, on SQLite under the one
writer of ``BEGIN IMMEDIATE``. Every later write of the worker (:func:`renew_lease`,
:func:`finish_job`, :func:`fail_job`) names its token and changes nothing once another
worker has claimed the job since: a worker that lost its lease cannot overwrite the
newer holder's result. The draft's own version is the second fence: the result is
stored with the version read when drafting began, so at most one result lands.

Every claim, renewal, expiry, finish, failure and retry is in the event log, with the
job, its token, the holder, the time and the lease expiry (to the microsecond), so
overlapping holders of one job can be ruled out from the log alone.

Lease times are the workers' clocks (UTC): machines sharing a database keep their
clocks in sync (NTP), and the lease (default 60 s) is far longer than their drift.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from drafter.errors import ConflictError, InputError, NotFoundError
from drafter.schemas import Brief
from drafter.store._connection import Conn, for_update, utc_now
from drafter.store.database import Store
from drafter.store.records import DRAFTABLE

__all__ = [
    "DEFAULT_ATTEMPTS",
    "DEFAULT_LEASE",
    "JOB_STATES",
    "JOB_STATE_ZH",
    "Claim",
    "Job",
    "JobState",
    "claim_job",
    "enqueue_in",
    "enqueue_job",
    "fail_job",
    "finish_job",
    "get_job",
    "job_counts",
    "job_for_draft",
    "jobs_for_drafts",
    "list_jobs",
    "renew_lease",
    "retry_job",
]

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed"]
JOB_STATES: tuple[JobState, ...] = ("queued", "running", "done", "failed")
JOB_STATE_ZH: dict[str, str] = {
    "queued": "排队中",
    "running": "起草中",
    "done": "已完成",
    "failed": "失败",
}
DEFAULT_LEASE = 60.0
"""Seconds a claim holds a job; the worker renews it at a third of that while drafting."""
DEFAULT_ATTEMPTS = 3


@dataclass(frozen=True)
class Job:
    """One row of ``jobs``."""

    id: int
    draft_id: int
    state: JobState
    model: str | None
    attempts: int
    max_attempts: int
    lease: int
    holder: str | None
    lease_expires_at: str | None
    available_at: str | None
    last_error: str | None
    created_at: str
    updated_at: str

    @property
    def state_zh(self) -> str:
        return JOB_STATE_ZH[self.state]

    def lease_expired(self, now: str | None = None) -> bool:
        """A running job whose holder stopped renewing (killed, hung, cut off)."""
        return (
            self.state == "running"
            and self.lease_expires_at is not None
            and self.lease_expires_at < (now or stamp())
        )


@dataclass(frozen=True)
class Claim:
    """A worker's hold on a job: its token ``lease`` fences every later write."""

    job: Job
    holder: str
    lease: int
    expires_at: str


def stamp(at: dt.datetime | None = None) -> str:
    """A lease time: UTC ISO-8601 to the microsecond (ordered as text)."""
    return (at or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds")


def _later(seconds: float) -> str:
    return stamp(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))


def _job(row: Any) -> Job:
    return Job(
        id=int(row["id"]),
        draft_id=int(row["draft_id"]),
        state=cast(JobState, row["state"]),
        model=row["model"],
        attempts=int(row["attempts"]),
        max_attempts=int(row["max_attempts"]),
        lease=int(row["lease"]),
        holder=row["holder"],
        lease_expires_at=row["lease_expires_at"],
        available_at=row["available_at"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


_COLUMNS = (
    "j.id, j.draft_id, j.state, j.model, j.attempts, j.max_attempts, j.lease, j.holder,"
    " j.lease_expires_at, j.available_at, j.last_error, j.created_at, j.updated_at"
)


def _event(
    conn: Conn, kind: str, job: Job, detail: dict[str, Any], *, actor: str | None = None
) -> None:
    """A job event, on its draft's history (report id looked up in the same transaction)."""
    row = conn.execute(
        "SELECT report_id FROM drafts WHERE id = :id", {"id": job.draft_id}
    ).fetchone()
    Store._event(
        conn,
        kind,
        draft_id=job.draft_id,
        report_id=row["report_id"] if row is not None else None,
        detail={"job": job.id, "at": stamp(), **detail},
        actor=actor,
    )


# -- enqueue ----------------------------------------------------------------------------


def enqueue_in(
    conn: Conn,
    draft_id: int,
    *,
    model: str | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
    actor: str | None = None,
) -> int:
    """Queue a job for ``draft_id`` inside the caller's transaction; its id.

    A draft already queued or being drafted keeps its live job (no second one).
    """
    live = conn.execute(
        "SELECT id FROM jobs WHERE draft_id = :d AND state IN ('queued', 'running')",
        {"d": draft_id},
    ).fetchone()
    if live is not None:
        return int(live["id"])
    now = utc_now()
    row = conn.execute(
        "INSERT INTO jobs (draft_id, state, model, max_attempts, created_at, updated_at)"
        " VALUES (:d, 'queued', :model, :max, :now, :now) RETURNING id",
        {"d": draft_id, "model": model, "max": max(1, max_attempts), "now": now},
    ).fetchone()
    assert row is not None  # RETURNING gives the new row
    job_id = int(row["id"])
    job = _get(conn, job_id)
    _event(conn, "job_queued", job, {"model": model}, actor=actor)
    return job_id


def enqueue_job(
    store: Store,
    draft_id: int,
    *,
    model: str | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> Job:
    """Queue ``draft_id`` for drafting by a worker (its live job, if it has one)."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT status, published_issue_id FROM drafts WHERE id = :id", {"id": draft_id}
        ).fetchone()
        if row is None:
            raise NotFoundError(f"没有编号为 {draft_id} 的稿件", draft_id=draft_id)
        if row["status"] not in DRAFTABLE or row["published_issue_id"] is not None:
            raise ConflictError(
                f"稿件 {draft_id} 已经修改或处理过，不能再排队起草",
                hint=f"用 drafter log {draft_id} 查看它的处理记录",
                draft_id=draft_id,
            )
        job_id = enqueue_in(conn, draft_id, model=model, max_attempts=max_attempts)
    return get_job(store, job_id)


# -- claim, renew, finish, fail ---------------------------------------------------------


def _get(conn: Conn, job_id: int) -> Job:
    row = conn.execute(f"SELECT {_COLUMNS} FROM jobs j WHERE j.id = :id", {"id": job_id}).fetchone()
    if row is None:
        raise NotFoundError(f"没有编号为 {job_id} 的起草任务", hint="用 drafter jobs 查看任务编号")
    return _job(row)


def claim_job(store: Store, holder: str, *, lease_seconds: float = DEFAULT_LEASE) -> Claim | None:
    """Take the oldest ready job for ``holder``; None when there is none.

    A running job whose lease ran out is logged as expired and claimed again — or, when
    its attempts are used up, failed, and its draft marked failed with the reason.
    """
    # PostgreSQL: lock the chosen row, skipping rows other workers hold; SQLite has one writer.
    lock = " FOR UPDATE SKIP LOCKED" if store.dialect == "postgresql" else ""
    claim: Claim | None = None
    with store.transaction() as conn:
        while claim is None:
            now = stamp()
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM jobs j"
                " WHERE (j.state = 'queued' AND (j.available_at IS NULL OR j.available_at <= :now))"
                " OR (j.state = 'running' AND j.lease_expires_at < :now)"
                f" ORDER BY j.id LIMIT 1{lock}",
                {"now": now},
            ).fetchone()
            if row is None:
                break
            job = _job(row)
            if job.state == "running":
                _event(
                    conn,
                    "job_expired",
                    job,
                    {"lease": job.lease, "holder": job.holder, "expired": job.lease_expires_at},
                )
                if job.attempts >= job.max_attempts:
                    reason = (
                        f"起草进程 {job.holder} 中断，租约过期；已尝试 {job.attempts} 次，不再重试"
                    )
                    conn.execute(
                        "UPDATE jobs SET state = 'failed', last_error = :e, updated_at = :t"
                        " WHERE id = :id",
                        {"e": reason, "t": utc_now(), "id": job.id},
                    )
                    _event(conn, "job_failed", job, {"lease": job.lease, "reason": reason})
                    _fail_draft(store, conn, job.draft_id, reason)
                    continue
            expires = _later(lease_seconds)
            got = conn.execute(
                "UPDATE jobs SET state = 'running', holder = :h, lease = lease + 1,"
                " attempts = attempts + 1, lease_expires_at = :x, updated_at = :t"
                " WHERE id = :id AND lease = :lease RETURNING lease",
                {"h": holder, "x": expires, "t": utc_now(), "id": job.id, "lease": job.lease},
            ).fetchone()
            if got is None:  # cannot happen under the row lock / the one writer
                continue
            claimed = _get(conn, job.id)
            _event(
                conn,
                "job_claimed",
                claimed,
                {
                    "lease": claimed.lease,
                    "holder": holder,
                    "expires": expires,
                    "attempt": claimed.attempts,
                },
            )
            claim = Claim(claimed, holder, claimed.lease, expires)
    return claim


def renew_lease(store: Store, claim: Claim, *, lease_seconds: float = DEFAULT_LEASE) -> Claim:
    """Extend the lease while drafting; :class:`ConflictError` once it is lost."""
    expires = _later(lease_seconds)
    with store.transaction() as conn:
        got = conn.execute(
            "UPDATE jobs SET lease_expires_at = :x, updated_at = :t"
            " WHERE id = :id AND lease = :lease AND state = 'running' RETURNING id",
            {"x": expires, "t": utc_now(), "id": claim.job.id, "lease": claim.lease},
        ).fetchone()
        if got is None:
            raise _lost(claim)
        _event(conn, "job_renewed", claim.job, {"lease": claim.lease, "expires": expires})
    return Claim(claim.job, claim.holder, claim.lease, expires)


def _lost(claim: Claim) -> ConflictError:
    return ConflictError(
        f"起草任务 {claim.job.id} 的租约已失效（已被其他起草进程接手或已结束），本次结果不保存",
        hint="起草时间超过了租约：可加长租约（--lease）",
        job_id=claim.job.id,
    )


def _close(conn: Conn, claim: Claim, sets: str, params: dict[str, Any]) -> Job:
    """End the claimed attempt (``sets``) if ``claim`` still holds the job; else lost."""
    got = conn.execute(
        f"UPDATE jobs SET {sets}, updated_at = :t"
        " WHERE id = :id AND lease = :lease AND state = 'running' RETURNING id",
        {**params, "t": utc_now(), "id": claim.job.id, "lease": claim.lease},
    ).fetchone()
    if got is None:
        raise _lost(claim)
    return _get(conn, claim.job.id)


def finish_job(
    store: Store,
    claim: Claim,
    brief: Brief | None,
    text: str | None = None,
    *,
    expected_version: int | None = None,
    note: str | None = None,
    lease_seconds: float = DEFAULT_LEASE,
) -> Job:
    """Store ``brief`` on the job's draft and mark the job done — if ``claim`` still holds it.

    The lease is confirmed first (and extended when less than half of it is left), then
    the draft is saved at
    ``expected_version`` (the version read when drafting began), then the job is done.
    ``brief`` None finishes without a draft (``note`` says why: e.g. the editor rejected
    the submission meanwhile). A lost lease raises :class:`ConflictError`, nothing saved.
    """
    if claim.expires_at < _later(lease_seconds / 2):
        claim = renew_lease(store, claim, lease_seconds=lease_seconds)
    else:
        # Half the lease ahead: confirm it by a read, saving a write transaction (SQLite
        # has one writer); the draft's version fences the moment in between.
        held = store._query(
            "SELECT id FROM jobs WHERE id = :id AND lease = :lease AND state = 'running'",
            {"id": claim.job.id, "lease": claim.lease},
        )
        if not held:
            raise _lost(claim)
    if brief is not None:
        assert text is not None and expected_version is not None
        store.save_draft(claim.job.draft_id, brief, text, expected_version=expected_version)
    with store.transaction() as conn:
        job = _close(conn, claim, "state = 'done', last_error = NULL", {})
        _event(conn, "job_done", job, {"lease": claim.lease, "note": note})
    return job


def fail_job(
    store: Store,
    claim: Claim,
    reason: str,
    *,
    permanent: bool = False,
    retry_delay: float = 0.0,
) -> Job:
    """Record a failed attempt: queued again after ``retry_delay`` seconds while attempts
    remain (a model error), else failed for good with ``reason`` (an input error, or the
    last attempt), the draft marked failed in the same transaction."""
    with store.transaction() as conn:
        current = _get(conn, claim.job.id)
        final = permanent or current.attempts >= current.max_attempts
        if final:
            job = _close(conn, claim, "state = 'failed', last_error = :e", {"e": reason})
            _event(conn, "job_failed", job, {"lease": claim.lease, "reason": reason})
            _fail_draft(store, conn, job.draft_id, reason)
        else:
            job = _close(
                conn,
                claim,
                "state = 'queued', last_error = :e, lease_expires_at = NULL, available_at = :a",
                {"e": reason, "a": _later(retry_delay)},
            )
            _event(
                conn,
                "job_retry",
                job,
                {"lease": claim.lease, "reason": reason, "attempt": job.attempts},
            )
    return job


def _fail_draft(store: Store, conn: Conn, draft_id: int, reason: str) -> None:
    """Mark the draft failed with ``reason``, in the job's transaction (so a worker killed
    now cannot leave a failed job on a waiting draft), unless an editor moved it on."""
    row = conn.execute(
        "SELECT report_id, status, version, published_issue_id FROM drafts WHERE id = :id"
        + for_update(conn),
        {"id": draft_id},
    ).fetchone()
    if row is None or row["status"] not in ("submitted", "failed") or row["published_issue_id"]:
        log.info("draft %s moved on while its job failed; left as it is", draft_id)
        return
    # As Store.mark_failed does, inside this transaction.
    store._bump(conn, draft_id, row["version"], "status = 'failed', failure = :f", {"f": reason})
    Store._event(
        conn,
        "draft_failed",
        draft_id=draft_id,
        report_id=row["report_id"],
        detail={"reason": reason},
    )


# -- retry, reads -----------------------------------------------------------------------


def retry_job(store: Store, job_id: int, *, max_attempts: int | None = None) -> Job:
    """Queue a failed job again with fresh attempts (its last reason is kept until then)."""
    with store.transaction() as conn:
        job = _get(conn, job_id)
        if job.state != "failed":
            raise InputError(
                f"起草任务 {job_id} 当前状态为“{job.state_zh}”，只有失败的任务可以重试",
                hint="用 drafter jobs --state failed 查看失败的任务",
            )
        live = conn.execute(
            "SELECT id FROM jobs WHERE draft_id = :d AND state IN ('queued', 'running')",
            {"d": job.draft_id},
        ).fetchone()
        if live is not None:
            raise ConflictError(
                f"稿件 {job.draft_id} 已有排队或起草中的任务 {live['id']}",
                draft_id=job.draft_id,
            )
        conn.execute(
            "UPDATE jobs SET state = 'queued', attempts = 0, max_attempts = :m,"
            " available_at = NULL, lease_expires_at = NULL, updated_at = :t WHERE id = :id",
            {"m": max_attempts or job.max_attempts, "t": utc_now(), "id": job_id},
        )
        _event(conn, "job_requeued", job, {"previous_error": job.last_error})
        return _get(conn, job_id)


def get_job(store: Store, job_id: int) -> Job:
    rows = store._query(f"SELECT {_COLUMNS} FROM jobs j WHERE j.id = :id", {"id": job_id})
    if not rows:
        raise NotFoundError(f"没有编号为 {job_id} 的起草任务", hint="用 drafter jobs 查看任务编号")
    return _job(rows[0])


def list_jobs(store: Store, states: Sequence[str] | None = None, *, limit: int = 200) -> list[Job]:
    """Jobs in some states (all when None), oldest first, at most ``limit``."""
    params: dict[str, Any] = {"limit": limit}
    where = ""
    if states:
        names = [f"s{i}" for i in range(len(states))]
        where = f" WHERE j.state IN ({', '.join(':' + n for n in names)})"
        params.update(zip(names, states, strict=True))
    sql = f"SELECT {_COLUMNS} FROM jobs j{where} ORDER BY j.id LIMIT :limit"
    return [_job(r) for r in store._query(sql, params)]


def job_counts(store: Store) -> dict[str, int]:
    """How many jobs are in each state (every state present, 0 when none)."""
    counts: dict[str, int] = dict.fromkeys(JOB_STATES, 0)
    for r in store._query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state"):
        counts[r["state"]] = int(r["n"])
    return counts


def jobs_for_drafts(store: Store, draft_ids: Sequence[int]) -> dict[int, Job]:
    """The latest job of each of ``draft_ids`` that has one."""
    if not draft_ids:
        return {}
    names = {f"d{i}": d for i, d in enumerate(draft_ids)}
    rows = store._query(
        f"SELECT {_COLUMNS} FROM jobs j WHERE j.draft_id IN"
        f" ({', '.join(':' + n for n in names)}) ORDER BY j.id",
        names,
    )
    return {int(r["draft_id"]): _job(r) for r in rows}


def job_for_draft(store: Store, draft_id: int) -> Job | None:
    """The latest job of ``draft_id``, or None (drafted at once, without a worker)."""
    return jobs_for_drafts(store, [draft_id]).get(draft_id)
