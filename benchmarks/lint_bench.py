"""Benchmark: lint + fix throughput on generated briefs, CLI start-up, and imports.

Run: ``python benchmarks/lint_bench.py [--briefs 10000] [--seed 7]``. Prints figures;
asserts nothing (speed is not a unit test). Goal: ≥ 1 MB/s, ``drafter --help`` under
0.3 s, and no LangChain/openai import on the ``lint`` path.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drafter.profile import load_profile
from drafter.style import fix, lint

ORGS = ["北京园艺学会", "延庆区科协", "北京植物学会", "海淀区科协", "北京营养师协会", "科普部"]
ACTS = [
    "举办城市绿化技术交流会",
    "开展科技助农专家服务活动",
    "召开年度工作会",
    "举办青少年科普讲座",
]
PEOPLE = ["王建国", "刘敏", "赵明", "陈刚", "李华"]
FILLERS = [
    "与会专家围绕屋顶绿化荷载标准、雨水花园养护等议题进行了交流，并就《城市立体绿化技术导则》修订提出了意见和建议。",
    "会议听取了年度工作报告，审议通过了经费预算方案，部署了下一阶段“科技助农”重点工作。",
    "活动共发放科普资料300余份，现场解答群众咨询50余人次，受到种植户的欢迎。",
    "{p}表示，要进一步发挥专家服务团作用，推动科技资源下沉到基层，为首都高质量发展贡献力量。",
]


def _damage(s: str, rng: random.Random) -> str:
    """The damage the fixer repairs: half-width commas, spaces, broken lines, dashes."""
    if rng.random() < 0.5:
        s = s.replace("，", ",", rng.randint(1, 3))
    if rng.random() < 0.4:
        s = s.replace("月", " 月 ", 1)
    if rng.random() < 0.2:
        s = s.replace("——", "--")
    if rng.random() < 0.2 and len(s) > 30:
        cut = rng.randint(10, len(s) - 10)
        s = s[:cut] + "\n\n" + s[cut:]
    return s


def make_brief(rng: random.Random) -> str:
    org, act, person = rng.choice(ORGS), rng.choice(ACTS), rng.choice(PEOPLE)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    paras = [
        f"{month}月{day}日，{org}{act}。{person}出席会议并讲话，来自{rng.randint(5, 40)}家单位的{rng.randint(20, 300)}名代表参加。"
    ]
    for _ in range(rng.randint(1, 3)):
        paras.append(rng.choice(FILLERS).format(p=person))
    paras[-1] += f"（{org}）"
    text = f"### {org}{act}\n\n" + "\n\n".join(_damage(p, rng) for p in paras) + "\n"
    return text


def bench_throughput(n: int, seed: int) -> None:
    rng = random.Random(seed)
    briefs = [make_brief(rng) for _ in range(n)]
    size = sum(len(b.encode("utf-8")) for b in briefs)
    profile = load_profile()
    lint(briefs[0], profile)  # warm the profile cache and regex compilation
    w0, c0 = time.perf_counter(), time.process_time()
    findings = sum(len(lint(b, profile)) for b in briefs)
    w1, c1 = time.perf_counter(), time.process_time()
    changes = sum(len(fix(b, profile).changes) for b in briefs)
    w2, c2 = time.perf_counter(), time.process_time()
    mb = size / 1e6
    print(f"briefs: {n}, text: {mb:.2f} MB (UTF-8), findings: {findings}, changes: {changes}")
    # CPU time too: on a shared machine wall time also measures the neighbours.
    for name, wall, cpu in (
        ("lint", w1 - w0, c1 - c0),
        ("fix", w2 - w1, c2 - c1),
        ("lint + fix", w2 - w0, c2 - c0),
    ):
        print(
            f"{name:10s}: {mb / wall:5.2f} MB/s wall ({wall:.2f} s), "
            f"{mb / cpu:5.2f} MB/s CPU ({cpu:.2f} s)"
        )
    print("goal: lint + fix >= 1 MB/s")


def _drafter_cmd() -> list[str]:
    exe = shutil.which("drafter")
    return [exe] if exe else [sys.executable, "-m", "drafter"]


def bench_startup(runs: int = 7) -> None:
    cmd = [*_drafter_cmd(), "--help"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    times.sort()
    print(
        f"`drafter --help`: best {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s (goal < 0.3 s)"
    )


def check_lint_imports() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "brief.md"
        path.write_text(make_brief(random.Random(1)), encoding="utf-8")
        res = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "drafter", "lint", str(path)],
            capture_output=True,
            text=True,
        )
    heavy = sorted(
        {
            line.split("|")[-1].strip().split(".")[0]
            for line in res.stderr.splitlines()
            if line.startswith("import time:")
            and line.split("|")[-1].strip().split(".")[0]
            in ("langchain", "langchain_core", "langchain_openai", "openai", "tiktoken", "jieba")
        }
    )
    total_us = sum(
        int(line.split("|")[1])
        for line in res.stderr.splitlines()
        if line.startswith("import time:")
        and line.split("|")[1].strip().isdigit()
        and not line.split("|")[-1].startswith("  ")
    )
    print(
        f"`drafter lint` exit code {res.returncode}; imports LangChain/openai: {'yes ' + str(heavy) if heavy else 'no'}"
    )
    print(f"`drafter lint` top-level import time: {total_us / 1e6:.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--briefs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    bench_throughput(args.briefs, args.seed)
    bench_startup()
    check_lint_imports()


if __name__ == "__main__":
    main()
