"""Drafting workers under kill -9: nothing lost, nothing drafted twice at once.

Run: ``python3 benchmarks/workers_bench.py [--pg postgresql://user@127.0.0.1:5432/postgres]
[--workers 8] [--jobs 500] [--quick]``. The PostgreSQL server is ``--pg``, else
``DRAFTER_TEST_PG``; a fresh database ``<--db-prefix>_<pid>`` is created on it and
dropped afterwards. Without either it falls back to a SQLite file, and says so.

1. ``--jobs`` submissions are stored and queued (``submit_report(defer=True)``).
2. ``--workers`` worker *processes* (``Worker``, one drafting loop each) drain the
   queue. Drafting is an artificial model latency (``--delay`` ± ``--jitter`` seconds,
   slept inside the draft while the worker's heartbeat renews its ``--lease``) and then
   the report's offline draft, made once beforehand by this script (25 different
   reports, cycled) so restarted workers cost no engine start-up.
3. Every ``--kill-every`` seconds on average a random worker (busy most of the time,
   so usually mid-draft) gets SIGKILL and a new one is started in its place, until
   every job is done or failed (or ``--deadline``). A job whose worker is killed 3
   times (its attempts) fails for good, by design; the run says so, with the reason.
4. From the database and its event log: jobs finished, failed, lost (neither drafted,
   nor failed, nor waiting), drafts stored more than once, leases whose holders
   overlapped (a claim of lease k+1 before lease k ended or expired, from the
   microsecond times in the job events), jobs drafted again after their lease ran out
   (a ``job_expired`` event; those whose worker was alive are counted apart), and
   throughput (jobs done ÷ seconds from the first claim to the last finish).

Loopback only; bounded by ``--deadline``. ``--quick``: 3 workers × 40 jobs.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchdata import report_text

import drafter

# -- the worker process -----------------------------------------------------------------


def child(db: str, briefs: str, delay: float, jitter: float, lease: float, seed: int) -> None:
    """One worker process: a model-like latency, then the report's offline draft, until killed.

    The offline drafts were made once by the parent (``briefs``, keyed by report text):
    a worker restarted after a kill spends no CPU loading the engine, so the run measures
    the queue, not jieba's start-up on a shared machine.
    """
    import json

    from drafter.store.worker import Worker, WorkerSettings

    rng = random.Random(seed)
    made = json.loads(Path(briefs).read_text(encoding="utf-8"))

    def slow(report: drafter.Report, profile: drafter.Profile, model: str | None) -> drafter.Brief:
        time.sleep(max(0.0, rng.uniform(delay - jitter, delay + jitter)))
        return drafter.Brief.model_validate_json(made[report.text])

    # Warm up (a connection, pydantic's validator) before claiming, so a restarted
    # worker's first job is not slower than the rest (and so likelier to be killed).
    drafter.Store(db).close()
    drafter.Brief.model_validate_json(next(iter(made.values())))
    settings = WorkerSettings(lease=lease, poll=0.1, retry_delay=0.0, draft_fn=lambda st: slow)
    Worker(db, settings).run()


# -- setup and analysis -----------------------------------------------------------------


def make_pg_database(server: str, prefix: str) -> str:
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    url = server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url


def drop_pg_database(server: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


DISTINCT = 25


def fill(db: str, jobs: int, briefs: Path) -> None:
    """Queue ``jobs`` submissions (``DISTINCT`` different reports, cycled) and write the
    offline draft of each different report to ``briefs`` for the workers."""
    import json

    profile = drafter.load_profile()
    made: dict[str, str] = {}
    with drafter.Store(db) as store:
        for i in range(jobs):
            org = f"北京市第{i % DISTINCT}学会"
            report = drafter.report_from_text(
                report_text(i % DISTINCT, org), org=org, profile=profile
            )
            if report.text not in made:
                made[report.text] = drafter.draft(report, profile=profile).model_dump_json()
            drafter.submit_report(store, report, profile=profile, defer=True)
    briefs.write_text(json.dumps(made, ensure_ascii=False), encoding="utf-8")


def analyse(db: str, killed: set[int]) -> dict[str, Any]:
    """Counts from the jobs table, overlaps and double drafts from the event log."""
    with drafter.Store(db) as store:
        counts = drafter.job_counts(store)
        drafts = store.list_drafts()
        rows = store._query(
            "SELECT draft_id, kind, detail_json FROM events"
            " WHERE kind LIKE 'job%' OR kind IN ('drafted', 'redrafted') ORDER BY id",
            {},
        )
    import json

    stored: dict[int, int] = defaultdict(int)
    per_job: dict[int, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for r in rows:
        if r["kind"] in ("drafted", "redrafted"):
            stored[int(r["draft_id"])] += 1
        else:
            detail = json.loads(r["detail_json"])
            per_job[int(detail["job"])].append((r["kind"], detail))
    overlaps = 0
    expired_jobs = 0
    unkilled = 0  # leases that ran out although their worker was not killed (starved of CPU)
    first_claim, last_done = "9", ""
    for events in per_job.values():
        # Each lease k: when it was granted, the last expiry granted, and when it ended.
        start: dict[int, str] = {}
        until: dict[int, str] = {}
        ended: dict[int, str] = {}
        for kind, d in events:
            if kind == "job_claimed":
                start[d["lease"]] = d["at"]
                until[d["lease"]] = d["expires"]
                first_claim = min(first_claim, d["at"])
            elif kind == "job_renewed":
                until[d["lease"]] = max(until[d["lease"]], d["expires"])
            elif kind in ("job_done", "job_retry", "job_failed") and "lease" in d:
                ended[d["lease"]] = d["at"]
                if kind == "job_done":
                    last_done = max(last_done, d["at"])
        expired_jobs += any(kind == "job_expired" for kind, _ in events)
        unkilled += sum(
            1
            for kind, d in events
            if kind == "job_expired" and int(str(d["holder"]).split(":")[1]) not in killed
        )
        for k in sorted(start):
            if k + 1 in start:
                held_until = min(ended.get(k, until[k]), until[k])
                overlaps += start[k + 1] < held_until
    # Lost: a submission that is neither drafted, nor failed for good, nor waiting for a worker.
    with drafter.Store(db) as store:
        live = {j.draft_id for j in drafter.list_jobs(store, ["queued", "running"], limit=10**6)}
        failed = [j.last_error for j in drafter.list_jobs(store, ["failed"], limit=10**6)]
    lost = sum(1 for d in drafts if d.status not in ("drafted", "failed") and d.id not in live)
    import datetime as dt

    span = (
        dt.datetime.fromisoformat(last_done) - dt.datetime.fromisoformat(first_claim)
    ).total_seconds()
    return {
        "counts": counts,
        "drafts": len(drafts),
        "lost": lost,
        "stored_twice": sum(1 for n in stored.values() if n > 1),
        "overlaps": overlaps,
        "retried_after_kill": expired_jobs,
        "span": span,
        "failed": failed,
        "unkilled": unkilled,
    }


# -- the run ----------------------------------------------------------------------------


def spawn(db: str, args: argparse.Namespace, seed: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--child",
            db,
            "--briefs",
            str(args.briefs),
            "--delay",
            str(args.delay),
            "--jitter",
            str(args.jitter),
            "--lease",
            str(args.lease),
            "--seed",
            str(seed),
        ],
        stderr=subprocess.DEVNULL,
    )


def run(db: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    fill(db, args.jobs, args.briefs)
    print(f"{args.jobs} submissions stored and queued in {time.perf_counter() - started:.1f} s")
    rng = random.Random(7)
    seeds = iter(range(10_000))
    procs = [spawn(db, args, next(seeds)) for _ in range(args.workers)]
    kills = 0
    killed: set[int] = set()
    deadline = time.monotonic() + args.deadline
    next_kill = time.monotonic() + rng.expovariate(1 / args.kill_every)
    try:
        with drafter.Store(db) as store:
            while time.monotonic() < deadline:
                counts = drafter.job_counts(store)
                if counts["queued"] == 0 and counts["running"] == 0:
                    break
                if time.monotonic() >= next_kill:
                    # Kill a random worker; busy most of the time, so usually mid-draft.
                    i = rng.randrange(len(procs))
                    procs[i].send_signal(signal.SIGKILL)
                    procs[i].wait()
                    killed.add(procs[i].pid)
                    procs[i] = spawn(db, args, next(seeds))
                    kills += 1
                    next_kill = time.monotonic() + rng.expovariate(1 / args.kill_every)
                time.sleep(0.05)
            else:
                print(f"DEADLINE: {args.deadline:g} s passed with jobs left: {counts}")
    finally:
        for p in procs:
            p.send_signal(signal.SIGKILL)
            p.wait()
    r = analyse(db, killed)
    c = r["counts"]
    ideal = args.workers / args.delay
    print(
        f"{args.workers} worker processes × {args.jobs} jobs, {kills} kill -9 "
        f"(one every {args.kill_every:g} s on average, each replaced), lease {args.lease:g} s, "
        f"model latency {args.delay:g} ± {args.jitter:g} s (sleep + a precomputed offline draft)"
    )
    print(
        f"  jobs finished {c['done']}, failed {c['failed']}, still queued/running "
        f"{c['queued'] + c['running']}"
    )
    for reason in sorted(set(r["failed"])):
        print(f"    failed ({r['failed'].count(reason)}): {reason}")
    print(f"  lost {r['lost']} (of {r['drafts']}: neither drafted, nor failed, nor queued)")
    print(f"  drafted twice at once {r['overlaps']} (overlapping lease holders in the event log)")
    print(f"  drafts stored more than once {r['stored_twice']}")
    print(
        f"  jobs drafted again after a lease ran out {r['retried_after_kill']}"
        f" (leases that ran out with their worker alive, starved of CPU: {r['unkilled']})"
    )
    if r["span"] > 0:
        rate = c["done"] / r["span"]
        print(
            f"  throughput {rate:.1f} jobs/s over {r['span']:.1f} s "
            f"(latency-bound ideal {ideal:.1f} jobs/s: {rate / ideal:.0%})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--pg", default=os.environ.get("DRAFTER_TEST_PG", ""), help="PostgreSQL server URL"
    )
    ap.add_argument(
        "--db-prefix", default="drafter_bench", help="name prefix of the bench database"
    )
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=500)
    ap.add_argument("--delay", type=float, default=0.4, help="model latency per draft (s)")
    ap.add_argument("--jitter", type=float, default=0.3)
    ap.add_argument("--lease", type=float, default=5.0)
    ap.add_argument("--kill-every", type=float, default=3.0, help="mean seconds between kills")
    ap.add_argument("--deadline", type=float, default=300.0)
    ap.add_argument("--quick", action="store_true", help="3 workers × 40 jobs")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    ap.add_argument("--child", metavar="DB", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--briefs", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        child(args.child, args.briefs, args.delay, args.jitter, args.lease, args.seed)
        return
    if args.quick:
        args.workers, args.jobs, args.kill_every, args.deadline = 3, 40, 4.0, 120.0
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    tmp = tempfile.TemporaryDirectory(prefix="workers-bench-")
    args.briefs = Path(tmp.name) / "briefs.json"
    if args.pg:
        db = make_pg_database(args.pg, args.db_prefix)
        print(f"backend: PostgreSQL ({db.rsplit('@', 1)[-1]})")
        try:
            run(db, args)
        finally:
            if args.keep:
                print(f"kept: {db}")
            else:
                drop_pg_database(args.pg, db)
            tmp.cleanup()
        return
    print("backend: SQLite (no --pg and no DRAFTER_TEST_PG: falling back to a SQLite file)")
    with tmp:
        run(str(Path(tmp.name) / "bench.db"), args)


if __name__ == "__main__":
    main()
