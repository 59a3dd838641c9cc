"""How fast an issue is built, parsed and rendered.

Run: ``python3 benchmarks/issue_bench.py [--rounds N] [--briefs N]``. Prints the median
time of: building an issue from N copies of the fixture briefs (lint included),
parsing an issue's Markdown (the reference issue where ../shared/reference has it,
else a built one), and rendering it as .md, .txt, .html and .docx.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from drafter.brieftext import parse_brief
from drafter.issue import build_issue, parse_issue, render
from drafter.profile import load_profile
from drafter.schemas import Brief

ROOT = Path(__file__).resolve().parent.parent
BRIEFS = ROOT / "tests" / "issue" / "fixtures" / "briefs"
REFERENCE = ROOT.parent / "shared" / "reference"


def _briefs(n: int) -> list[Brief]:
    """N briefs shaped like the fixtures, with text varied enough not to be duplicates."""
    profile = load_profile()
    base = [
        parse_brief(p.read_text(encoding="utf-8"), profile=profile, source_file=str(p))
        for p in sorted(BRIEFS.glob("*.md"))
    ]
    pool = "".join(dict.fromkeys("".join(b.body for b in base)))
    pool = "".join(ch for ch in pool if "\u4e00" <= ch <= "\u9fff")
    rng = random.Random(20260518)
    out = []
    for i in range(n):
        b = base[i % len(base)]
        paragraphs = [
            f"5月{i % 28 + 1}日，" + "".join(rng.choices(pool, k=90)) + "。",
            "".join(rng.choices(pool, k=120)) + "。",
        ]
        out.append(
            b.model_copy(update={"headline": f"{b.headline}{i + 1}", "paragraphs": paragraphs})
        )
    return out


def _median_ms(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--briefs", type=int, default=20)
    args = parser.parse_args()
    profile = load_profile()
    briefs = _briefs(args.briefs)
    date = dt.date(2026, 5, 18)
    build = lambda: build_issue(briefs, profile=profile, date=date, force=True)  # noqa: E731
    build()  # warm up: lint rules, jieba dictionary
    issue = build()
    refs = sorted(REFERENCE.glob("*.txt")) if REFERENCE.is_dir() else []
    source = refs[0].read_text(encoding="utf-8") if refs else str(render(issue, "md"))
    label = "reference issue" if refs else f"built issue ({args.briefs} briefs)"
    print(
        f"build_issue, {args.briefs} briefs (lint included): {_median_ms(build, args.rounds):8.1f} ms"
    )
    print(f"parse_issue, {label}, {len(source)} chars: "
          f"{_median_ms(lambda: parse_issue(source, profile=profile), args.rounds):8.1f} ms")  # fmt: skip
    for fmt in ("md", "txt", "html", "docx"):
        ms = _median_ms(lambda fmt=fmt: render(issue, fmt, profile=profile), args.rounds)  # type: ignore[misc]
        size = len(render(issue, fmt, profile=profile))
        print(
            f"render {fmt:<4} {args.briefs} briefs: {ms:8.1f} ms ({size} {'bytes' if fmt == 'docx' else 'chars'})"
        )


if __name__ == "__main__":
    main()
