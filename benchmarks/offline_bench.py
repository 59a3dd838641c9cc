"""Speed of the offline engine: reports per second on the bundled samples, and the
time to draft one 50,000-character report. Prints figures; asserts nothing.

    python3 benchmarks/offline_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from drafter.ingest.report import load_report, report_from_text
from drafter.offline.engine import draft_offline
from drafter.profile import load_profile
from drafter.samples import sample_paths


def long_report(chars: int = 50_000) -> str:
    """A long report of distinct sentences: the numbers vary, so nothing deduplicates."""
    paras = [
        "2026年5月8日上午，北京气象学会召开年度工作会议，全体理事和各专业委员会负责人参加会议。"
    ]
    i = 0
    while sum(len(p) for p in paras) < chars:
        i += 1
        paras.append(
            f"会议听取了第{i}专业委员会的工作汇报。该委员会全年举办学术报告{i % 40 + 3}场，"
            f"开展科普活动{i % 25 + 2}次，参加人员{100 + i}人次。"
            f"专家们围绕第{i}项课题的研究进展、存在问题和下一步计划开展了深入交流，"
            f"并就数据共享、人才培养等问题提出了{i % 9 + 2}条建议。"
        )
    text = "\n\n".join(paras)
    return text[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    profile = load_profile()
    reports = [load_report(p, profile=profile) for p in sample_paths()]
    draft_offline(reports[0], profile)  # warm up: regular expressions compile once

    start = time.perf_counter()
    for _ in range(args.rounds):
        for r in reports:
            draft_offline(r, profile)
    elapsed = time.perf_counter() - start
    n = args.rounds * len(reports)
    print(f"样例报告：{len(reports)} 份 × {args.rounds} 轮 = {n} 次起草")
    print(f"  {n / elapsed:,.0f} 份/秒（平均 {elapsed / n * 1000:.2f} 毫秒/份）")

    text = long_report()
    report = report_from_text(text, org="北京气象学会", profile=profile)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        brief = draft_offline(report, profile)
        times.append(time.perf_counter() - t0)
    print(f"长报告：{len(text):,} 字（清理后 {len(report.text):,} 字）")
    print(
        f"  起草 中位数 {statistics.median(times) * 1000:.1f} 毫秒，"
        f"最慢 {max(times) * 1000:.1f} 毫秒；简报正文 {brief.text_length()} 字、"
        f"{len(brief.paragraphs)} 段"
    )
    t0 = time.perf_counter()
    report_from_text(text, org="北京气象学会", profile=profile)
    print(f"  （另：导入清理 {(time.perf_counter() - t0) * 1000:.1f} 毫秒）")


if __name__ == "__main__":
    main()
