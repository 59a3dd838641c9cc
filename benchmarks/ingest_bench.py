"""Speed of ingest: paste-damage cleaning of a 50,000-character report (a clean one, a
hard-wrapped PDF-style paste with page headers, a WeChat-style paste with chrome), the
character repairs (plain, traditional → simplified, mojibake), and reports per second through ``load_report`` on the ingest fixtures. Prints figures;
asserts nothing.

    python3 benchmarks/ingest_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from drafter.ingest.characters import repair_characters
from drafter.ingest.paste import clean_text
from drafter.ingest.report import load_report
from drafter.profile import load_profile
from drafter.text.dates import find_event_dates

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ingest"


def _sentences(chars: int) -> list[str]:
    out: list[str] = []
    i = 0
    while sum(len(s) for s in out) < chars:
        i += 1
        out.append(
            f"5月{i % 28 + 1}日，第{i}专业委员会举办学术报告{i % 40 + 3}场，参加人员{100 + i}人次，"
            f"专家们围绕第{i}项课题的研究进展开展了交流，提出建议{i % 9 + 2}条。"
        )
    return out


def clean_report(chars: int) -> str:
    sentences = _sentences(chars)
    return "\n\n".join("".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))[:chars]


def pdf_paste(chars: int, width: int = 34) -> str:
    text = "".join(_sentences(chars))[:chars]
    lines: list[str] = []
    for n, start in enumerate(range(0, len(text), width)):
        if n % 40 == 0:
            lines += [f"- {n // 40 + 1} -", "北京某某学会工作简报"]
        lines.append(("\u3000\u3000" if n % 5 == 0 else "") + text[start : start + width])
    return "\n".join(lines)


def wechat_paste(chars: int) -> str:
    blocks: list[str] = []
    for n, s in enumerate(_sentences(chars)):
        blocks.append(s)
        if n % 6 == 0:
            blocks += [f"▲ 活动现场{n}", f"图{n % 9 + 1} 专家讲解", "点赞 在看 分享"]
    return "\n\n".join(blocks)[:chars]


def _t2s_view(text: str) -> str:
    """``text`` in traditional characters, as a Hong Kong or Taiwan page would have it."""
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def best_of(rounds: int, fn: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    print("clean_text on 50,000 characters (best / median of", args.rounds, "rounds):")
    for name, make in (("clean", clean_report), ("pdf", pdf_paste), ("wechat", wechat_paste)):
        text = make(50_000)
        best, median = best_of(args.rounds, lambda t=text: clean_text(t))  # type: ignore[misc]
        print(f"  {name:7s} {len(text):6d} chars  {best * 1000:7.1f} ms  {median * 1000:7.1f} ms")

    text = clean_report(50_000)
    best, median = best_of(args.rounds, lambda: find_event_dates(text, anchor=None))
    print(
        f"find_event_dates on 50,000 chars: {best * 1000:.1f} ms best, {median * 1000:.1f} ms median"
    )

    print("repair_characters on 50,000 characters (best / median):")
    plain = clean_report(50_000)
    traditional = _t2s_view(plain)
    cases = (
        ("plain", plain),
        ("trad", traditional),
        ("moji", plain.encode("gbk").decode("latin-1")),
    )
    for name, text in cases:
        best, median = best_of(args.rounds, lambda t=text: repair_characters(t))  # type: ignore[misc]
        print(f"  {name:7s} {len(text):6d} chars  {best * 1000:7.1f} ms  {median * 1000:7.1f} ms")

    profile = load_profile()
    files = sorted(
        p for p in FIXTURES.iterdir() if p.suffix in {".txt", ".md"} and "bad" not in p.name
    )
    load_report(files[0], profile=profile)  # warm the profile's resolver
    start = time.perf_counter()
    count = 0
    for _ in range(args.rounds):
        for path in files:
            load_report(path, profile=profile)
            count += 1
    elapsed = time.perf_counter() - start
    print(f"load_report on {len(files)} fixtures: {count / elapsed:.0f} reports/s")


if __name__ == "__main__":
    main()
