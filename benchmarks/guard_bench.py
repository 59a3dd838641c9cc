"""How fast the faithfulness guard checks a brief against its source.

Run: ``python3 benchmarks/guard_bench.py [--rounds N]``. Prints, for the fixture briefs
in tests/fixtures/guard, the time per check against their own reports and against a
10,000-character report, with the source prepared afresh each time (cold) and reused
(warm, as the drafting gates do across repairs), and briefs checked per second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from drafter.brieftext import parse_brief
from drafter.guard.entities import extract_entities
from drafter.guard.faithfulness import check_faithfulness
from drafter.profile import load_profile
from drafter.schemas import Brief

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "guard"


def _pairs() -> list[tuple[str, Brief, str]]:
    profile = load_profile()
    out = []
    for brief_path in sorted(FIXTURES.glob("*.brief.md")):
        name = brief_path.name.removesuffix(".brief.md")
        report = (FIXTURES / f"{name}.report.txt").read_text(encoding="utf-8")
        out.append(
            (name, parse_brief(brief_path.read_text(encoding="utf-8"), profile=profile), report)
        )
    return out


def _long_report(reports: list[str], size: int = 10_000) -> str:
    text, i = "", 0
    while len(text) < size:
        text += reports[i % len(reports)] + "\n\n"
        i += 1
    return text[:size]


def _time(fn: Callable[[int], object], rounds: int) -> list[float]:
    out = []
    for k in range(rounds):
        start = time.perf_counter()
        fn(k)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    profile = load_profile()
    pairs = _pairs()

    start = time.perf_counter()
    extract_entities("沈洁书记出席。", profile)  # loads jieba's dictionary once
    print(f"warm-up (jieba dictionary load): {time.perf_counter() - start:.2f} s")

    long = _long_report([r for _, _, r in pairs])
    briefs = [b for _, b, _ in pairs]
    rows = [
        (
            "own report, cold",
            lambda k: [check_faithfulness(b, r + f"\n{k}", profile) for _, b, r in pairs],
        ),
        ("own report, warm", lambda k: [check_faithfulness(b, r, profile) for _, b, r in pairs]),
        (
            f"{len(long):,}-char report, cold",
            lambda k: [check_faithfulness(b, long + f"\n{k}", profile) for b in briefs],
        ),
        (
            f"{len(long):,}-char report, warm",
            lambda k: [check_faithfulness(b, long, profile) for b in briefs],
        ),
    ]
    print(f"{len(briefs)} briefs, {rounds} rounds each")
    for label, fn in rows:
        times = _time(fn, rounds)
        per_brief = statistics.median(times) / len(briefs)
        worst = max(times) / len(briefs)
        print(
            f"{label:<28} median {per_brief * 1000:6.2f} ms/brief  "
            f"worst round {worst * 1000:6.2f} ms/brief  {1 / per_brief:8.0f} briefs/s"
        )


if __name__ == "__main__":
    main()
