"""The newsroom under load, on loopback: page latency over 10,000 drafts, and concurrency.

Run: ``python3 benchmarks/web_bench.py [--drafts 10000] [--contributors 50]
[--per-contributor 4] [--editors 3] [--requests 200] [--db postgresql://…/empty_db]``.

1. A store with ``--drafts`` drafts (a few real offline drafts, copied in SQL so the set
   builds in seconds), served by ``drafter serve`` in its own process on 127.0.0.1.
2. An editor pages the queue (random pages and filters) and opens random review pages:
   p50/p95 of each.
3. ``--contributors`` contributors each submit ``--per-contributor`` reports at once
   while ``--editors`` editors page the queue: p95 of submits and of queue pages, the
   errors (any status other than the expected redirect/200), and the lost submissions
   (submitted minus stored), then how long until every submission is drafted (the
   drafting may run after the submit returns). Everything is bounded by ``--deadline``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from benchdata import copy_drafts, report_text

import drafter

PASSWORD = "bench password"
FAILURES: list[str] = []


def build_store(db: str, drafts: int, contributors: int) -> None:
    """``drafts`` drafts (20 real ones, the rest copied in SQL) and the accounts.

    The copy is plain SQL that SQLite and PostgreSQL both accept (a recursive series,
    no PRAGMA, no ``lastrowid``), through ``Store.transaction()``.
    """
    profile = drafter.load_profile()
    with drafter.Store(db) as store:
        real = []
        for i in range(20):
            org = f"北京市第{i}学会"
            report = drafter.report_from_text(report_text(i, org), org=org, profile=profile)
            real.append(
                drafter.submit_report(store, report, profile=profile, model="offline").draft.id
            )
        copies = -(-(drafts - len(real)) // len(real))
        with store.transaction() as conn:
            copy_drafts(conn, real, copies)
        for e in range(3):
            drafter.add_account(store, f"editor{e}", PASSWORD, role="editor")
        for c in range(contributors):
            drafter.add_account(
                store, f"c{c}", PASSWORD, role="contributor", orgs=[f"北京市第{100 + c}学会"]
            )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html[:300]
    return m.group(1)


async def login(base: str, name: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    page = await client.get("/login")
    r = await client.post(
        "/login", data={"csrf": _csrf(page.text), "name": name, "password": PASSWORD}
    )
    assert r.status_code == 303, r.text[:300]
    return client


async def timed(
    client: httpx.AsyncClient, method: str, url: str, **kw: object
) -> tuple[float, int]:
    started = time.perf_counter()
    r = await client.request(method, url, **kw)  # type: ignore[arg-type]
    if r.status_code not in (200, 303):
        # Say what the user saw: the error page's title and message.
        shown = re.findall(r"<h1>(.*?)</h1>\s*<p>(.*?)</p>", r.text, re.S)
        FAILURES.append(f"{method} {url.split('?')[0]} → {r.status_code} {shown[:1]}")
    return time.perf_counter() - started, r.status_code


def _queue_url(rng: random.Random, pages: int) -> str:
    status = rng.choice(["", "drafted", "accepted"])
    errors = rng.choice(["", "yes", "no"])
    return f"/queue?status={status}&errors={errors}&page={rng.randint(1, pages)}"


async def page_latency(base: str, drafts: int, n: int) -> None:
    rng = random.Random(1)
    editor = await login(base, "editor0")
    queue: list[float] = []
    review: list[float] = []
    bad = 0
    for _ in range(n):
        t, code = await timed(editor, "GET", _queue_url(rng, drafts // 50))
        queue.append(t)
        bad += code != 200
        t, code = await timed(editor, "GET", f"/review/{rng.randint(1, drafts)}")
        review.append(t)
        bad += code != 200
    await editor.aclose()
    print(
        f"queue page  ({n} requests, {drafts} drafts): p50 {_pct(queue, 0.5):.1f} ms, "
        f"p95 {_pct(queue, 0.95):.1f} ms"
    )
    print(
        f"review page ({n} requests): p50 {_pct(review, 0.5):.1f} ms, "
        f"p95 {_pct(review, 0.95):.1f} ms; errors {bad}"
    )


async def concurrency(base: str, db: str, args: argparse.Namespace) -> None:
    contributors = [await login(base, f"c{c}") for c in range(args.contributors)]
    editors = [await login(base, f"editor{e}") for e in range(args.editors)]
    tokens = [_csrf((await c.get("/submit")).text) for c in contributors]
    submits: list[float] = []
    pages: list[float] = []
    errors = 0
    done = asyncio.Event()

    async def contribute(i: int) -> None:
        nonlocal errors
        client, org = contributors[i], f"北京市第{100 + i}学会"
        for k in range(args.per_contributor):
            data = {
                "csrf": tokens[i],
                "org": org,
                "action": "submit",
                "text": report_text(1000 + i * 100 + k, org) + f"（编号{i}-{k}）",
            }
            t, code = await timed(client, "POST", "/submit", data=data)
            submits.append(t)
            errors += code != 303

    async def edit(e: int) -> None:
        nonlocal errors
        rng = random.Random(e)
        while not done.is_set():
            t, code = await timed(editors[e], "GET", _queue_url(rng, args.drafts // 50))
            pages.append(t)
            errors += code != 200

    started = time.perf_counter()
    paging = [asyncio.create_task(edit(e)) for e in range(args.editors)]
    await asyncio.wait_for(
        asyncio.gather(*(contribute(i) for i in range(args.contributors))), args.deadline
    )
    done.set()
    await asyncio.gather(*paging)
    wall = time.perf_counter() - started
    for c in [*contributors, *editors]:
        await c.aclose()
    expected = args.contributors * args.per_contributor
    ours = (
        "SELECT COUNT(*) AS n FROM drafts d JOIN reports r ON r.id = d.report_id"
        " WHERE r.org LIKE '北京市第1__学会'"
    )
    with drafter.Store(db) as store:
        stored = store._query(ours)[0]["n"]
    # Submits may only queue the drafting (a worker drafts them): wait, bounded, until
    # every one is drafted, and say how long the queue took to drain.
    drained = time.perf_counter()
    waiting = stored
    while waiting and time.perf_counter() - drained < args.deadline:
        with drafter.Store(db) as store:
            waiting = store._query(ours + " AND d.status = 'submitted'")[0]["n"]
        if waiting:
            time.sleep(0.5)
    drain = time.perf_counter() - drained
    print(
        f"{args.contributors} contributors × {args.per_contributor} submits with "
        f"{args.editors} editors paging, {wall:.1f} s:"
    )
    print(
        f"  submit p50 {_pct(submits, 0.5):.1f} ms, p95 {_pct(submits, 0.95):.1f} ms "
        f"({len(submits)} requests)"
    )
    print(
        f"  queue  p50 {_pct(pages, 0.5):.1f} ms, p95 {_pct(pages, 0.95):.1f} ms "
        f"({len(pages)} requests)"
    )
    print(f"  errors {errors}, submitted {expected}, stored {stored}, lost {expected - stored}")
    for failure in FAILURES[:5]:
        print(f"    ! {failure}")
    print(
        f"  drafting: {stored - waiting} of {stored} drafted {drain:.1f} s after the last submit"
        + (f" ({waiting} still waiting at the deadline)" if waiting else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--contributors", type=int, default=50)
    parser.add_argument("--per-contributor", type=int, default=4)
    parser.add_argument("--editors", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--deadline", type=float, default=300)
    parser.add_argument(
        "--db",
        default=None,
        help="an EMPTY database to fill (e.g. postgresql://…/d_web); default a temporary SQLite file",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "bench.db")
        print(f"store: {'PostgreSQL' if db.startswith('postgresql') else 'SQLite'}")
        started = time.perf_counter()
        build_store(db, args.drafts, args.contributors)
        print(
            f"store: {args.drafts} drafts built in {time.perf_counter() - started:.1f} s "
            f"(cores: {os.cpu_count()})"
        )
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "drafter", "serve", "--db", db, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(f"{base}/login", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            asyncio.run(page_latency(base, args.drafts, args.requests))
            asyncio.run(concurrency(base, db, args))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
