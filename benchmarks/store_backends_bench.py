"""The store on SQLite and on PostgreSQL, side by side in one run (loopback only, bounded).

Run::

    python3 benchmarks/store_backends_bench.py --db sqlite \\
        --db postgresql://postgres@127.0.0.1:54329/postgres

Each ``--db`` is a backend: ``sqlite`` (fresh files in a temporary folder) or the URL
of a PostgreSQL server's maintenance database, on which the script creates fresh
databases named ``<--pg-prefix>_<part>`` and drops them at the end. Everything goes
through drafter's public API except the bulk copy that builds the 100,000-draft store
(plain SQL both backends accept, through ``Store.transaction()``). Three parts:

1. **Concurrent editors**: ``--editors`` processes each make ``--ops`` edits on a shared
   pool of ``--pool`` drafts: read the draft, then accept it or save a revision with
   ``expected_version``. Every call's outcome is recorded; afterwards the store is read
   back and checked: every stored revision and acceptance matches exactly one
   successful call (by a marker in the text and the event's actor), no two successes
   claimed the same (draft, version) and each draft's version moved exactly once per
   success. A failed check is an "overwrite" (a lost update).
2. **Throughput**: store-level submit (report + draft, two transactions), accept
   (``Store.decide`` with the version check) and queue page 1 over the drafts so far,
   ``--tput`` operations each, one client; and submit from ``--writers`` processes at
   once. Each figure is taken in ``--rounds`` rounds that alternate the backends, so a
   burst of load from elsewhere on a shared machine falls on both; PostgreSQL's figures
   are also printed as a ratio to SQLite's.
3. **Queue page with ``--drafts`` drafts**: each backend's newsroom (``create_app`` under
   uvicorn in its own process, on 127.0.0.1), all up at once, serving the queue's first
   page, a middle page and the last page; requests alternate between the backends;
   p50/p95 of ``--requests`` requests each.

Nothing runs longer than ``--deadline`` seconds per part; loops are bounded by count.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing as mp
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from benchdata import copy_drafts

import drafter

PASSWORD = "bench password"
ORGS = ["北京抗癌协会", "北京市医学会", "北京气象学会", "北京地质学会", "北京市科协"]
TEMPLATE = (
    "2026年5月{day}日，{org}在朝阳区举办“{topic}”科普活动，{n}余名群众参加。"
    "{person}研究员作专题报告，现场发放宣传材料{m}份。"
)
TOPICS = ["科技周", "健康讲堂", "青少年科学营", "防灾减灾", "全民科学素质"]
MARK = re.compile(r"〔(e\d+k\d+)〕")


def _text(i: int) -> str:
    org = ORGS[i % len(ORGS)]
    return (
        TEMPLATE.format(
            day=1 + i % 28,
            org=org,
            topic=TOPICS[i % 5],
            n=100 + i % 400,
            person="张王李赵刘"[i % 5] + "明",
            m=200 + i,
        )
        + f"（第{i}号）"
    )


# -- backends ----------------------------------------------------------------------------


class Backend:
    """Where fresh stores come from: temporary SQLite files, or new PostgreSQL databases."""

    def __init__(self, target: str, prefix: str, tmp: Path) -> None:
        self.target = target
        self.prefix = prefix
        self.tmp = tmp
        self.name = "postgresql" if target.startswith("postgresql") else "sqlite"
        self.made: list[str] = []

    def new(self, part: str) -> str:
        if self.name == "sqlite":
            return str(self.tmp / f"{part}.db")
        import psycopg

        db = f"{self.prefix}_{part}"
        with psycopg.connect(self.target, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
        self.made.append(db)
        base, _, _ = self.target.rpartition("/")
        return f"{base}/{db}"

    def drop_all(self) -> None:
        if self.name != "postgresql":
            return
        import psycopg

        with psycopg.connect(self.target, autocommit=True) as conn:
            for db in self.made:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _seed(db: str, count: int, *, start: int = 0) -> list[int]:
    """``count`` reports drafted by the offline engine, through the public API."""
    profile = drafter.load_profile()
    ids: list[int] = []
    with drafter.Store(db) as store:
        for i in range(start, start + count):
            report = drafter.report_from_text(_text(i), org=ORGS[i % len(ORGS)], profile=profile)
            ids.append(
                drafter.submit_report(store, report, profile=profile, model="offline").draft.id
            )
    return ids


# -- 1. concurrent editors ---------------------------------------------------------------


def _editor(
    db: str, editor: int, pool: list[int], ops: int, start_at: float, deadline: float
) -> dict[str, Any]:
    """One editor's session; returns each call's outcome (runs in its own process)."""
    profile = drafter.load_profile()
    rng = random.Random(editor)
    done: list[dict[str, Any]] = []
    conflicts = errors = 0
    kinds: Counter[str] = Counter()
    with drafter.Store(db) as store, drafter.acting_as(f"e{editor}"):
        while time.time() < start_at:
            time.sleep(0.005)
        stop = time.monotonic() + deadline
        first = time.time()
        for k in range(ops):
            if time.monotonic() > stop:
                break
            draft_id = rng.choice(pool)
            record = store.get_draft(draft_id)
            version = record.version
            accept = record.status in ("drafted", "revised") and rng.random() < 0.35
            mark = f"e{editor}k{k}"
            try:
                if accept:
                    drafter.accept(
                        store,
                        draft_id,
                        expected_version=version,
                        force=True,
                        why=f"核对无误〔{mark}〕",
                        profile=profile,
                    )
                    done.append(
                        {"op": "accept", "draft": draft_id, "version": version, "mark": mark}
                    )
                else:
                    brief = record.current_brief
                    assert brief is not None
                    md = drafter.render_brief_md(brief)
                    head, _, rest = md.partition("\n")
                    head = MARK.sub("", head).rstrip() + f"〔{mark}〕"
                    result = drafter.revise_text(
                        store,
                        draft_id,
                        head + "\n" + rest,
                        profile=profile,
                        expected_version=version,
                        source="bench",
                    )
                    if result.outcome == "saved":
                        done.append(
                            {"op": "revise", "draft": draft_id, "version": version, "mark": mark}
                        )
            except drafter.ConflictError as exc:
                conflicts += 1
                kinds["version" if "他人修改" in str(exc) else "state"] += 1
            except drafter.DrafterError as exc:
                errors += 1
                kinds[type(exc).__name__] += 1
    return {
        "done": done,
        "conflicts": conflicts,
        "errors": errors,
        "kinds": dict(kinds),
        "span": (first, time.time()),
    }


def concurrent_editors(db: str, args: argparse.Namespace) -> dict[str, Any]:
    pool = _seed(db, args.pool)
    with drafter.Store(db) as store:
        before = {d: store.get_draft(d).version for d in pool}
    start_at = time.time() + 2.0 + 0.15 * args.editors  # every process imported and open
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(args.editors, mp_context=ctx) as ex:
        futures = [
            ex.submit(_editor, db, e, pool, args.ops, start_at, args.deadline)
            for e in range(args.editors)
        ]
        results = [f.result(timeout=args.deadline + 120) for f in futures]
    wall = max(r["span"][1] for r in results) - min(r["span"][0] for r in results)
    done = [d for r in results for d in r["done"]]
    kinds: Counter[str] = Counter()
    for r in results:
        kinds.update(r["kinds"])

    # Read everything back and match it against the successful calls.
    problems: list[str] = []
    claimed = Counter((d["draft"], d["version"]) for d in done)
    problems += [
        f"two successes at draft {k[0]} version {k[1]}" for k, n in claimed.items() if n > 1
    ]
    by_mark = {d["mark"]: d for d in done}
    with drafter.Store(db) as store:
        for draft_id in pool:
            record = store.get_draft(draft_id)
            mine = [d for d in done if d["draft"] == draft_id]
            if record.version - before[draft_id] != len(mine):
                problems.append(
                    f"draft {draft_id}: version moved {record.version - before[draft_id]}, {len(mine)} successes"
                )
            stored = [m for r in store.revisions(draft_id) for m in MARK.findall(r.brief.headline)]
            accepted = [
                (e.actor, m)
                for e in store.events(draft_id)
                if e.kind == "accepted"
                for m in MARK.findall(str(e.detail.get("why", "")))
            ]
            want_rev = sorted(d["mark"] for d in mine if d["op"] == "revise")
            want_acc = sorted(d["mark"] for d in mine if d["op"] == "accept")
            if sorted(stored) != want_rev:
                problems.append(
                    f"draft {draft_id}: revisions {sorted(stored)} != successes {want_rev}"
                )
            if sorted(m for _, m in accepted) != want_acc:
                problems.append(f"draft {draft_id}: acceptances {accepted} != successes {want_acc}")
            for actor, m in accepted:
                if m in by_mark and actor != "e" + m.split("k")[0][1:]:
                    problems.append(f"draft {draft_id}: acceptance {m} recorded for {actor}")
    attempts = len(done) + sum(r["conflicts"] + r["errors"] for r in results)
    return {
        "editors": args.editors,
        "pool": args.pool,
        "attempts": attempts,
        "saved": len(done),
        "revisions": sum(d["op"] == "revise" for d in done),
        "acceptances": sum(d["op"] == "accept" for d in done),
        "conflicts": sum(r["conflicts"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "kinds": dict(kinds),
        "overwrites": len(problems),
        "problems": problems[:5],
        "wall": wall,
    }


# -- 2. throughput -----------------------------------------------------------------------


def _brief(i: int) -> drafter.Brief:
    return drafter.Brief(
        headline=f"{ORGS[i % len(ORGS)]}举办第{i}期科普活动",
        paragraphs=[
            f"5月{1 + i % 28}日，{ORGS[i % len(ORGS)]}举办科普活动，{100 + i % 400}余名群众参加。"
        ],
        attribution=ORGS[i % len(ORGS)],
        section="societies",
        kind="society",
        event_date=dt.date(2026, 5, 1 + i % 28),
        provenance=drafter.Provenance(engine="offline"),
    )


Work = list[tuple[drafter.Report, drafter.Brief, str]]


def _work(start: int, count: int) -> Work:
    """Reports, briefs and their texts made before the clock starts (ingest is not timed)."""
    profile = drafter.load_profile()
    out: Work = []
    for i in range(start, start + count):
        report = drafter.report_from_text(_text(i), org=ORGS[i % len(ORGS)], profile=profile)
        brief = _brief(i)
        out.append((report, brief, drafter.brief_text(brief)))
    return out


def _store_submit(store: drafter.Store, item: tuple[drafter.Report, drafter.Brief, str]) -> int:
    """What a submit costs the store: the report and its draft, two transactions."""
    report, brief, text = item
    record = store.submit(report)
    saved = store.save_draft(record.id, brief, text, expected_version=record.version)
    return saved.id


def _writer(
    db: str, start: int, count: int, start_at: float
) -> tuple[list[float], tuple[float, float]]:
    """One of several processes submitting at once: each call's time, and its span."""
    work = _work(start, count)
    with drafter.Store(db) as store:
        while time.time() < start_at:
            time.sleep(0.005)
        first = time.time()
        times = []
        for item in work:
            t0 = time.perf_counter()
            _store_submit(store, item)
            times.append(time.perf_counter() - t0)
    return times, (first, time.time())


def _concurrent_submits(
    db: str, writers: int, per: int, start: int, deadline: float
) -> tuple[list[float], float]:
    """``writers`` processes submitting ``per`` each at once: each call's time, wall time."""
    start_at = time.time() + 2.0 + 0.15 * writers
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(writers, mp_context=ctx) as ex:
        futures = [ex.submit(_writer, db, start + w * per, per, start_at) for w in range(writers)]
        results = [f.result(timeout=deadline + 60) for f in futures]
    wall = max(r[1][1] for r in results) - min(r[1][0] for r in results)
    return [t for r in results for t in r[0]], wall


def throughput(dbs: dict[str, str], args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Each figure in ``--rounds`` rounds that alternate the backends, so both see the
    same load on a shared machine; a rate is operations ÷ the summed time of its rounds."""
    n = max(1, args.tput // args.rounds)
    spent: dict[str, dict[str, float]] = {name: {} for name in dbs}
    count: dict[str, dict[str, int]] = {name: {} for name in dbs}
    times: dict[str, list[float]] = {name: [] for name in dbs}

    def add(name: str, key: str, ops: int, seconds: float) -> None:
        spent[name][key] = spent[name].get(key, 0.0) + seconds
        count[name][key] = count[name].get(key, 0) + ops

    stores = {name: drafter.Store(db) for name, db in dbs.items()}
    try:
        for r in range(args.rounds):
            order = list(dbs) if r % 2 == 0 else list(reversed(dbs))
            for name in order:
                store = stores[name]
                work = _work(100_000 + r * n, n)
                t0 = time.perf_counter()
                ids = [_store_submit(store, item) for item in work]
                add(name, "submit", n, time.perf_counter() - t0)
                t0 = time.perf_counter()
                for draft_id in ids:
                    version = store.get_draft(draft_id).version
                    store.decide(draft_id, "accept", expected_version=version, edit_ratio=0.0)
                add(name, "accept", n, time.perf_counter() - t0)
                pages = max(1, n // 5)
                t0 = time.perf_counter()
                for _ in range(pages):
                    drafter.queue_page(store, status="accepted", page=1)
                add(name, "queue", pages, time.perf_counter() - t0)
            for name in order:
                per = max(1, n // args.writers)
                calls, wall = _concurrent_submits(
                    dbs[name], args.writers, per, 200_000 + r * args.writers * per, args.deadline
                )
                add(name, "submit_concurrent", len(calls), wall)
                times[name].extend(calls)
    finally:
        for store in stores.values():
            store.close()
    out: dict[str, dict[str, float]] = {}
    for name in dbs:
        out[name] = {key: count[name][key] / spent[name][key] for key in spent[name]}
        out[name]["submit_concurrent_p95_ms"] = _pct(times[name], 0.95)
        out[name]["writers"] = args.writers
    return out


# -- 3. the queue page over many drafts --------------------------------------------------


def build_many(db: str, total: int) -> float:
    """``total`` drafts: 20 real ones, the rest copied from them by two SQL statements."""
    started = time.perf_counter()
    real = _seed(db, 20, start=500_000)
    copies = -(-(total - len(real)) // len(real))
    with drafter.Store(db) as store, store.transaction() as conn:
        copy_drafts(conn, real, copies)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(db: str) -> Iterator[str]:
    """The newsroom over ``db`` in its own process on 127.0.0.1."""
    port = _free_port()
    code = (
        "import sys, uvicorn; from drafter.web import create_app; "
        "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')"
    )
    server = subprocess.Popen([sys.executable, "-c", code, db, str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _logged_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token
    r = client.post("/login", data={"csrf": token.group(1), "name": "bench", "password": PASSWORD})
    assert r.status_code in (200, 303), r.text[:300]
    return client


def queue_pages(dbs: dict[str, str], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Every backend's newsroom up at once; each request alternates between them."""
    out: dict[str, dict[str, Any]] = {}
    for name, db in dbs.items():
        built = build_many(db, args.drafts)
        with drafter.Store(db) as store:
            drafter.add_account(store, "bench", PASSWORD, role="editor")
            total = drafter.queue_page(store, status=None).total
        out[name] = {"drafts": total, "built_s": built}
    with contextlib.ExitStack() as stack:
        clients = {name: _logged_in(stack.enter_context(serving(db))) for name, db in dbs.items()}
        for client in clients.values():
            stack.callback(client.close)
        last = -(-min(o["drafts"] for o in out.values()) // 50)
        for label, number in (("first", 1), ("middle", last // 2), ("last", last)):
            url = f"/queue?status=&page={number}"
            times: dict[str, list[float]] = {name: [] for name in dbs}
            for client in clients.values():
                client.get(url)  # warm: not timed
            for i in range(args.requests):
                order = list(clients) if i % 2 == 0 else list(reversed(clients))
                for name in order:
                    t0 = time.perf_counter()
                    r = clients[name].get(url)
                    times[name].append(time.perf_counter() - t0)
                    assert r.status_code == 200, r.text[:300]
            for name in dbs:
                values = times[name]
                out[name][label] = (number, statistics.median(values) * 1000, _pct(values, 0.95))
    return out


# -- the run -----------------------------------------------------------------------------


def _report(name: str, e: dict[str, Any], tput: dict[str, float], queue: dict[str, Any]) -> None:
    print(f"\n== {name}")
    if e:
        print(
            f"editors: {e['editors']} processes on {e['pool']} drafts, {e['attempts']} calls "
            f"in {e['wall']:.1f} s: {e['saved']} saved ({e['revisions']} revisions, "
            f"{e['acceptances']} acceptances), {e['conflicts']} conflicts reported {e['kinds']}, "
            f"{e['errors']} other errors, {e['overwrites']} overwrites"
        )
        for p in e["problems"]:
            print(f"  ! {p}")
    if tput:
        print(
            f"throughput (one client): submit {tput['submit']:.0f}/s, accept "
            f"{tput['accept']:.0f}/s, queue page {tput['queue']:.0f}/s; submit from "
            f"{tput['writers']:.0f} processes {tput['submit_concurrent']:.0f}/s "
            f"(p95 {tput['submit_concurrent_p95_ms']:.1f} ms)"
        )
    if queue:
        print(f"queue over {queue['drafts']:,} drafts (built in {queue['built_s']:.1f} s):")
        for label in ("first", "middle", "last"):
            number, p50, p95 = queue[label]
            print(f"  {label:<6} page {number:>5}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", action="append", default=[], help="sqlite, or a postgresql:// server URL"
    )
    parser.add_argument("--pg-prefix", default="d_bench")
    parser.add_argument("--editors", type=int, default=16)
    parser.add_argument("--ops", type=int, default=20, help="edits per editor")
    parser.add_argument("--pool", type=int, default=12, help="drafts the editors share")
    parser.add_argument("--tput", type=int, default=300, help="operations per throughput figure")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per figure")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--deadline", type=float, default=300)
    parser.add_argument("--parts", default="editors,tput,queue")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(
        f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, drafter {drafter.__version__}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        backends = {}
        for target in args.db or ["sqlite"]:
            backend = Backend(target, args.pg_prefix, Path(tmp))
            backends[backend.name] = backend
        try:
            editors = {
                name: concurrent_editors(b.new("editors"), args) if "editors" in parts else {}
                for name, b in backends.items()
            }
            tput: dict[str, dict[str, float]] = (
                throughput({n: b.new("tput") for n, b in backends.items()}, args)
                if "tput" in parts
                else {n: {} for n in backends}
            )
            queue: dict[str, dict[str, Any]] = (
                queue_pages({n: b.new("queue") for n, b in backends.items()}, args)
                if "queue" in parts
                else {n: {} for n in backends}
            )
        finally:
            for b in backends.values():
                b.drop_all()
    for name in backends:
        _report(name, editors[name], tput[name], queue[name])
    if {"sqlite", "postgresql"} <= backends.keys():
        s, p = tput["sqlite"], tput["postgresql"]
        if s:
            print("\nPostgreSQL ÷ SQLite (throughput; > 1 means PostgreSQL is faster):")
            for key in ("submit", "accept", "queue", "submit_concurrent"):
                print(f"  {key:<18} {p[key] / s[key]:.2f}")
        sq, pq = queue["sqlite"], queue["postgresql"]
        if sq:
            print("PostgreSQL ÷ SQLite (queue page p95 latency; < 1 means PostgreSQL is faster):")
            for label in ("first", "middle", "last"):
                print(f"  {label:<18} {pq[label][2] / sq[label][2]:.2f}")


if __name__ == "__main__":
    main()
