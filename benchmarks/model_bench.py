"""Benchmark: the model layer against the loopback stub server.

Run: ``python benchmarks/model_bench.py [--calls 40] [--jobs 8] [--latency 0.2]``.
Prints figures; asserts nothing (speed is not a unit test).

- concurrency efficiency: ``calls`` prose calls over ``jobs`` threads against a stub
  answering after ``latency ± jitter`` seconds; ideal wall time (calls ÷ jobs ×
  latency) ÷ measured. Goal ≥ 0.9: the client, cache and stub add little.
- cache: an unchanged re-run makes 0 model calls; milliseconds per cache hit.
- tokens: offline token counting throughput, and chunking a 50,000-character report.
- the facts call for short reports: on the eval suite's cases, how many are short enough
  to skip it (``facts_min_tokens``), and whether the event date found locally (the only
  field the pipeline takes from facts itself) equals the offline engine's and the
  case's expected date. Whether a real model's prose changes without its extracted
  facts in the prompt needs recorded real-model runs, which this repository has not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import SecretStr

from drafter.model.chains import write_prose
from drafter.model.config import ModelConfig
from drafter.model.providers import clear_built_models
from drafter.model.tokens import count_tokens, split_by_tokens
from drafter.schemas import Facts, Report, report_id_for
from drafter.testing import StubRequest, StubServer

PARA = (
    "5月{d}日，北京园艺学会在北京植物园召开城市绿化病虫害防治技术交流会，"
    "来自全市12个区园林部门的{n}名技术人员参加会议。与会专家围绕行道树害虫绿色防控开展交流。"
)


def _reports(n: int) -> list[Report]:
    out = []
    for i in range(n):
        text = PARA.format(d=1 + i % 28, n=20 + i) + f"\n\n第{i}份材料。"
        out.append(Report(id=report_id_for(text), text=text, org_short="北京园艺学会"))
    return out


def _answer(request: StubRequest) -> dict[str, object]:
    return {
        "headline": "北京园艺学会召开技术交流会",
        "paragraphs": ["5月8日，北京园艺学会召开技术交流会。"],
    }


def facts_skip_rows() -> list[tuple[str, str]]:
    """The eval cases: short ones (no facts call), and their event date found locally."""
    from drafter.drafting.backend import local_facts
    from drafter.drafting.pipeline import _event_date
    from drafter.eval.runner import load_cases
    from drafter.ingest.report import load_report
    from drafter.offline.engine import draft_offline
    from drafter.profile import load_profile

    profile = load_profile()
    limit = ModelConfig.model_fields["facts_min_tokens"].default
    cases = load_cases()
    short = dated = same = right = 0
    for case, where in cases:
        report = load_report(
            where / case.report, profile=profile, org=case.org, kind=case.kind,
            title=case.title, date=case.received, lead=case.lead,
        )  # fmt: skip
        if count_tokens(report.text) >= limit:
            continue
        short += 1
        found = _event_date(local_facts(report), report)
        same += found == draft_offline(report, profile).event_date
        if case.expected_date and "月" in case.expected_date:  # a date, not 近日
            dated += 1
            right += found is not None and f"{found.month}月{found.day}日" == case.expected_date
    return [
        (f"eval cases under facts_min_tokens ({limit}): no facts call", f"{short}/{len(cases)}"),
        ("…their event date found locally = the offline engine's", f"{same}/{short}"),
        ("…= the case's expected date (cases with a date)", f"{right}/{dated}"),
    ]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--jitter", type=float, default=0.05)
    args = ap.parse_args()

    reports = _reports(args.calls)
    rows: list[tuple[str, str]] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        StubServer(responder=_answer, latency=args.latency, jitter=args.jitter, seed=1) as stub,
    ):
        config = ModelConfig(
            model="stub-model",
            base_url=stub.base_url,
            api_key=SecretStr("bench-key"),
            cache_path=Path(tmp) / "responses.sqlite",
        )
        write_prose(_reports(1)[0], Facts(), config.model_copy(update={"cache": False}))  # warm up
        stub.reset()

        def run() -> tuple[float, int]:
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.jobs) as pool:
                stats = list(pool.map(lambda r: write_prose(r, Facts(), config)[1], reports))
            return time.perf_counter() - started, sum(s.calls for s in stats)

        wall, calls = run()
        ideal = calls / args.jobs * args.latency
        rows.append(("calls (first run)", str(calls)))
        rows.append(("wall time, first run (s)", f"{wall:.2f}"))
        rows.append(("ideal wall time (s)", f"{ideal:.2f}"))
        efficiency = ideal / wall if wall else 0.0

        clear_built_models()
        served = len(stub.requests)
        rewall, recalls = run()
        rows.append(("model calls on unchanged re-run", str(recalls)))
        rows.append(("HTTP requests on re-run", str(len(stub.requests) - served)))
        rows.append(
            (
                "ms per cache hit (wall ÷ calls × jobs)",
                f"{rewall / len(reports) * args.jobs * 1000:.1f}",
            )
        )

    long_report = "\n\n".join(PARA.format(d=8, n=i) for i in range(600))[:50_000]
    started = time.perf_counter()
    n_tokens = count_tokens(long_report)
    count_s = time.perf_counter() - started
    started = time.perf_counter()
    chunks = split_by_tokens(long_report, 4000)
    split_s = time.perf_counter() - started
    rows.append(("tokens in a 50,000-character report", str(n_tokens)))
    rows.append(("token counting (MB/s)", f"{len(long_report.encode()) / count_s / 1e6:.1f}"))
    rows.append(
        ("chunking it into ≤4,000-token chunks (s)", f"{split_s:.3f} ({len(chunks)} chunks)")
    )

    rows.extend(facts_skip_rows())

    print("| figure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    goal = "met" if efficiency >= 0.9 else "MISSED (machine load, or thread start-up per call)"
    print(f"concurrency goal ≥ 0.9: {goal}")
    print(f"efficiency: {efficiency:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
