#!/usr/bin/env python3
"""How often the guard cries wolf, and how much invented fact it catches.

    python3 benchmarks/guard_figures.py [--verbose]

On the report set in tests/fixtures/guard/set (written for this, every name invented):

- **false needs_review**: the share of offline drafts that end ``needs_review`` for an
  error the report's own text does not explain (a report marked ``problem`` may);
- **caught**: per kind of planted fabrication (a person, a title with its holder, an
  organization alone, in a list or swapped, a document, a number, a date, a count, a
  quoted name, a claim phrase, an injected instruction), the share the guard reports
  as a finding that names the planted item.

Targets: ≤ 5% false needs_review, 100% caught for every kind. Exits 1 when missed.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from drafter.brieftext import render_brief_txt
from drafter.drafting.gates import check
from drafter.drafting.pipeline import draft
from drafter.ingest.report import report_from_text
from drafter.profile import Profile, load_profile
from drafter.schemas import Report

SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "guard" / "set"
FALSE_ALARM_TARGET = 0.05


@dataclass
class Figures:
    """What :func:`measure` found."""

    drafts: int = 0
    false_alarms: dict[str, list[str]] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    caught: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missed: list[str] = field(default_factory=list)

    @property
    def false_share(self) -> float:
        return len(self.false_alarms) / self.drafts if self.drafts else 0.0

    def caught_share(self, kind: str) -> float:
        return self.caught[kind] / self.planted[kind] if self.planted[kind] else 0.0

    @property
    def met(self) -> bool:
        return self.false_share <= FALSE_ALARM_TARGET and all(
            self.caught[k] == n for k, n in self.planted.items()
        )


def _load(set_dir: Path, name: str) -> list[dict[str, str]]:
    with (set_dir / name).open("rb") as f:
        items: list[dict[str, str]] = next(iter(tomllib.load(f).values()))
    return items


def measure(set_dir: Path = SET) -> Figures:
    """Draft every report offline and check every planted fabrication."""
    profile = load_profile()
    figures = Figures()
    reports: dict[str, Report] = {}
    for item in _load(set_dir, "reports.toml"):
        report = report_from_text(item["text"], profile=profile)
        reports[item["id"]] = report
        brief = draft(report, profile=profile, model="offline")
        figures.drafts += 1
        if brief.status == "needs_review" and not item.get("problem"):
            errors = [f for f in brief.findings if f.severity == "error"]
            figures.false_alarms[item["id"]] = [f"{f.rule}：{f.message}" for f in errors]
    for plant in _load(set_dir, "plants.toml"):
        kind = plant["kind"]
        figures.planted[kind] += 1
        if _caught(plant, reports, profile):
            figures.caught[kind] += 1
        else:
            figures.missed.append(f"{kind}：{plant['expect']}（{plant['report']}）")
    return figures


def _caught(plant: dict[str, str], reports: dict[str, Report], profile: Profile) -> bool:
    report = reports[plant["report"]]
    expect = plant["expect"]
    if plant["kind"] == "injection":
        # The instruction is added to the report: the draft must not carry it out, and
        # checking any brief against the report must say it was there.
        poisoned = report.model_copy(update={"text": report.text + "\n" + plant["inject"]})
        brief = draft(poisoned, profile=profile, model="offline")
        text = render_brief_txt(brief)
        named = any(
            f.rule == "guard.injection" and expect in (f.excerpt or f.message)
            for f in brief.findings
        )
        return expect not in text and named
    findings = check(plant["brief"], report, profile=profile)
    rule = "guard.claim" if plant["kind"] == "claim" else None
    return any(
        (f.severity == "error" or rule)
        and (rule is None or f.rule == rule)
        and expect in (f.excerpt or "") + f.message
        for f in findings
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every false alarm and miss")
    args = parser.parse_args(argv)
    fig = measure()
    print(
        f"false needs_review: {len(fig.false_alarms)}/{fig.drafts} "
        f"= {fig.false_share:.1%} (target ≤ {FALSE_ALARM_TARGET:.0%})"
    )
    for kind in sorted(fig.planted):
        print(
            f"caught {kind}: {fig.caught[kind]}/{fig.planted[kind]} = {fig.caught_share(kind):.0%}"
        )
    total = sum(fig.planted.values())
    print(f"caught all kinds: {sum(fig.caught.values())}/{total} (target 100%)")
    if args.verbose:
        for rid, errors in fig.false_alarms.items():
            print(f"  false alarm {rid}: " + "；".join(errors))
        for miss in fig.missed:
            print(f"  missed {miss}")
    return 0 if fig.met else 1


if __name__ == "__main__":
    sys.exit(main())
