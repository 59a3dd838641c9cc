"""How long the offline eval suite takes (the issue's bar: under 60 s on 2 cores).

Run: ``python3 benchmarks/eval_bench.py [--rounds N]``. Prints the wall time of
``drafter eval --model offline`` over the bundled cases as a fresh process (what CI
pays: start-up, jieba's dictionary, every case), then the in-process suite time
with 1, 2 and 4 threads once warm, and cases per second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from drafter.eval.runner import evaluate, load_cases


def _cold_cli() -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "drafter", "eval", "--model", "offline", "--format", "json"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    cases = load_cases()
    print(f"cases: {len(cases)}, cores: {os.cpu_count()}")
    cold = [_cold_cli() for _ in range(args.rounds)]
    print(f"drafter eval --model offline (new process): median {statistics.median(cold):.2f} s")
    evaluate(cases[:2], jobs=1)  # warm jieba and the profile
    for jobs in (1, 2, 4):
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            evaluate(cases, jobs=jobs)
            times.append(time.perf_counter() - started)
        best = statistics.median(times)
        print(f"in process, jobs={jobs}: median {best:.2f} s, {len(cases) / best:.1f} cases/s")


if __name__ == "__main__":
    main()
