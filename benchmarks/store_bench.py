"""How fast the editorial store records work and answers the queue and stats.

Run: ``python3 benchmarks/store_bench.py [--drafts N]``. In a fresh temporary database
it stores N reports with drafts (two transactions each, as ``submit`` does), revises a
third of them, accepts or rejects the rest, then times ``queue`` (pending drafts),
``stats`` and ``accepted_unpublished``, and prints per-operation times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from drafter.brieftext import edit_ratio
from drafter.profile import load_profile
from drafter.schemas import Brief, Finding, Provenance, Report, report_id_for
from drafter.store.database import UNDECIDED, Store
from drafter.store.diff import brief_text, sentence_diff
from drafter.store.feedback import stats


def _report(i: int) -> Report:
    text = (
        f"6月{i % 28 + 1}日，我会召开第{i}次理事会议。会议审议通过了年度工作报告，"
        f"{i % 90 + 10}名理事参加会议。\n\n联系人：王老师"
    )
    return Report(id=report_id_for(text), text=text, org="北京气象学会", org_short="北京气象学会")


def _brief(i: int) -> Brief:
    return Brief(
        headline=f"北京气象学会召开第{i}次理事会议",
        paragraphs=[
            f"6月{i % 28 + 1}日，北京气象学会召开理事会议。会议审议通过了年度工作报告，"
            f"{i % 90 + 10}名理事参加会议。"
        ],
        attribution="北京气象学会",
        section="societies",
        kind="society",
        event_date=dt.date(2026, 6, i % 28 + 1),
        provenance=Provenance(engine="offline"),
        findings=[
            Finding(rule="space.cjk", severity="error", message="多余空格", excerpt=f"{i} 名")
        ],
    )


def _ms(seconds: float, n: int = 1) -> str:
    return f"{seconds * 1000 / n:8.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drafts", type=int, default=1000)
    args = parser.parse_args()
    n = args.drafts
    load_profile()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        t0 = time.perf_counter()
        ids = []
        for i in range(n):
            rec = store.submit(_report(i), original=_report(i).text.encode())
            brief = _brief(i)
            ids.append(
                store.save_draft(rec.id, brief, brief_text(brief), expected_version=rec.version)
            )
        t_submit = time.perf_counter() - t0

        t0 = time.perf_counter()
        revised = ids[::3]
        for d in revised:
            assert d.brief is not None and d.draft_text is not None
            edited = d.brief.model_copy(update={"headline": d.brief.headline + "并部署工作"})
            text = brief_text(edited)
            store.add_revision(
                d.id,
                expected_version=d.version,
                brief=edited,
                text=text,
                diff=sentence_diff(d.draft_text, text),
                findings=[],
                edit_ratio=edit_ratio(d.brief, edited),
            )
        t_revise = time.perf_counter() - t0

        t0 = time.perf_counter()
        for k, d in enumerate(ids):
            if k % 3 == 1:
                store.decide(d.id, "accept", expected_version=None, edit_ratio=0.0)
            elif k % 3 == 2:
                store.decide(d.id, "reject", expected_version=None, reason="重复")
        t_decide = time.perf_counter() - t0
        decided = sum(1 for k in range(n) if k % 3)

        t0 = time.perf_counter()
        pending = store.list_drafts(list(UNDECIDED))
        t_queue = time.perf_counter() - t0
        t0 = time.perf_counter()
        figures = stats(store)
        t_stats = time.perf_counter() - t0
        t0 = time.perf_counter()
        ready = store.accepted_unpublished()
        t_ready = time.perf_counter() - t0
        size = (Path(tmp) / "bench.db").stat().st_size

    print(f"drafts: {n}  (pending {len(pending)}, accepted {len(ready)})")
    print(f"submit + save draft : {_ms(t_submit, n)} per report (2 transactions)")
    print(f"add revision        : {_ms(t_revise, len(revised))} per revision")
    print(f"accept / reject     : {_ms(t_decide, decided)} per decision")
    print(f"queue (pending)     : {_ms(t_queue)} for {len(pending)} drafts")
    print(
        f"stats               : {_ms(t_stats)} (edit ratio mean {figures['edit_ratio']['edit_ratio_mean']})"
    )
    print(f"accepted_unpublished: {_ms(t_ready)} for {len(ready)} drafts")
    print(f"database size       : {size / 1024:.0f} KiB (main file; WAL not counted)")


if __name__ == "__main__":
    main()
